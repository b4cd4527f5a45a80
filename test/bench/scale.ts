/**
 * Scale benchmark (see README.md): a generated system of tiny Node services svc0..svcN-1
 * (test/fixtures/scale/chain.mjs), each forwarding a chain request to the next through
 * SERVICE_SVC<i+1>_URL, at several sizes x 2 instances, under `devmode up` and under a bare
 * launcher (lib/scale-launcher.mjs, direct URLs, the same health checks) in one run. Per size: ready
 * time and ratio, devmode's own part of the start (ports, listeners), devmode's RSS,
 * listening sockets and idle CPU, and a 10-hop chain's p50/p99 through the mesh vs direct.
 *
 *   npm run build && node --import tsx test/bench/scale.ts [--sizes 10,40,100] [--instances 2] [--chains 300]
 */
import http from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { listeningSockets } from '../helpers/listeners.js';
import { cpuSecondsOf, memoryOf } from './lib/footprint-proc.js';
import { adminUrlOf, instancesOf, systemState } from './lib/mesh-admin.js';
import { percentiles, type Percentiles } from './lib/mesh-load.js';
import { startBare, writeScaleConfig } from './lib/scale-system.js';
import { DevmodeUp } from './lib/startup-devmode.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, table } from './lib/startup-stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,40,100' },
    instances: { type: 'string', default: '2' },
    chains: { type: 'string', default: '300' },
    hops: { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '5' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const instances = Number(values.instances);
const chains = Number(values.chains);
const hops = Number(values.hops);
const idleSeconds = Number(values['idle-seconds']);
const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const reaper = new Reaper();

/** `chains` sequential chain requests (after a warm-up) on one keep-alive connection; latencies in ms. */
async function chainLatency(entryUrl: string): Promise<Percentiles> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      http
        .get(`${entryUrl}/chain/${hops}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`chain answered ${res.statusCode}`))));
        })
        .on('error', reject);
    });
  for (let i = 0; i < 30; i++) await once();
  const latencies: number[] = [];
  for (let i = 0; i < chains; i++) latencies.push(await once());
  agent.destroy();
  return percentiles(latencies);
}

interface Row {
  services: number;
  bareMs: number;
  devmodeMs: number;
  setup: string;
  rssMiB: number;
  listeners: number;
  idleCpuPct: number;
  direct: Percentiles;
  mesh: Percentiles;
  load: string;
}

const rows: Row[] = [];
console.log(`scale bench: ${process.version}; sizes ${sizes.join(', ')} x ${instances} instances; ${hops}-hop chains x ${chains}; load average at start ${loadAverage()}\n`);
try {
  for (const services of sizes) {
    const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-scale-'));
    reaper.removeOnExit(dir);
    const file = await writeScaleConfig(dir, services, instances);

    const bare = await startBare(services, instances, reaper);
    const direct = await chainLatency(bare.entryUrl);
    await bare.stop();

    const up = new DevmodeUp({ file, cwd: dir, reaper, timeoutMs: 180_000 });
    let setup = '';
    const off = up.onLine((line) => {
      const m = /devmode's own part: ([^)]*)\)/.exec(line.text);
      if (m) setup = m[1]!;
    });
    try {
      const run = await up.ready;
      await sleep(200); // the ready line's listeners have run
      off();
      const pid = up.process.pid!;
      const state = await systemState(await adminUrlOf(dir, pid));
      const entry = instancesOf(state, 'svc0').find((i) => i.instance === 0);
      if (!entry) throw new Error('svc0.0 is not in devmode state');
      const listeners = listeningSockets(pid);
      const cpuBefore = cpuSecondsOf(pid);
      await sleep(idleSeconds * 1000);
      const idleCpuPct = ((cpuSecondsOf(pid) - cpuBefore) / idleSeconds) * 100;
      const mesh = await chainLatency(entry.url);
      const rssMiB = memoryOf(pid)?.rssMiB ?? NaN;
      rows.push({ services, bareMs: bare.readyMs, devmodeMs: run.readyMs, setup, rssMiB, listeners, idleCpuPct, direct, mesh, load: loadAverage() });
      console.log(
        `${services} x ${instances}: bare ${Math.round(bare.readyMs)} ms, devmode ${Math.round(run.readyMs)} ms (${setup}); RSS ${f(rssMiB, 0)} MiB; ${listeners} listeners; ` +
          `chain p50/p99 direct ${f(direct.p50)}/${f(direct.p99)} ms, devmode ${f(mesh.p50)}/${f(mesh.p99)} ms; load ${loadAverage()}`,
      );
    } finally {
      await up.stop();
    }
  }
} finally {
  await reaper.stopAll();
}

console.log(`\nready: spawn to every health check passing (bare) / to devmode's ready line; load average at the end ${loadAverage()}`);
console.log(
  table(
    ['system', 'bare ms', 'devmode ms', 'ratio', "devmode's own part", 'devmode RSS MiB', 'listeners', 'idle CPU %', 'load'],
    rows.map((r) => [`${r.services} x ${instances}`, f(r.bareMs, 0), f(r.devmodeMs, 0), `${f(r.devmodeMs / r.bareMs)}x`, r.setup, f(r.rssMiB, 0), String(r.listeners), f(r.idleCpuPct, 1), r.load]),
  ),
);
console.log('targets: ratio <= 1.2x; RSS < 200 MB at 100 x 2; listeners growing with services + instances\n');
console.log(`${hops}-hop chain (${hops} calls through SERVICE_<NEXT>_URL), ${chains} sequential requests`);
console.log(
  table(
    ['system', 'direct p50 ms', 'direct p99 ms', 'devmode p50 ms', 'devmode p99 ms', 'added per hop p50 ms', 'added per hop p99 ms'],
    rows.map((r) => [`${r.services} x ${instances}`, f(r.direct.p50), f(r.direct.p99), f(r.mesh.p50), f(r.mesh.p99), f((r.mesh.p50 - r.direct.p50) / hops, 3), f((r.mesh.p99 - r.direct.p99) / hops, 3)]),
  ),
);
console.log('targets at 100 x 2: added per hop p50 < 0.15 ms, p99 < 0.5 ms');
