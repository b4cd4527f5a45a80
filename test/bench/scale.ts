/**
 * Scale benchmark (see README.md): a generated system of tiny Node services svc0..svcN-1
 * (test/fixtures/scale/chain.mjs), each forwarding a chain request to the next through
 * SERVICE_SVC<i+1>_URL, at several sizes x 2 instances, under `devmode up` and under a bare
 * launcher (lib/scale-launcher.mjs, direct URLs, the same health checks) in one run. Per size:
 * ready time (the median of `--starts` starts of each, alternated) and ratio, devmode's own
 * part of the start (ports, listeners), devmode's RSS, listening sockets and idle CPU, and a
 * 10-hop chain in three legs interleaved on the same running processes: through the mesh
 * (SERVICE_<NEXT>_URL), straight to the same instances, and through a Node byte pipe per hop
 * (lib/byte-pipe.mjs: the floor of any proxy in Node, so "added per hop" has a reference).
 *
 *   npm run build && node --import tsx test/bench/scale.ts [--sizes 10,40,100] [--instances 2] [--starts 3] [--chains 600] [--slices 6]
 */
import http from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { listeningSockets } from '../helpers/listeners.js';
import { bytePipe, type Running } from './lib/children.js';
import { cpuSecondsOf, memoryOf } from './lib/footprint-proc.js';
import { adminUrlOf, instancesOf, systemState } from './lib/mesh-admin.js';
import { percentiles, type Percentiles } from './lib/mesh-load.js';
import { serviceName, startBare, writeScaleConfig } from './lib/scale-system.js';
import { DevmodeUp } from './lib/startup-devmode.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, summarize, table } from './lib/startup-stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,40,100' },
    instances: { type: 'string', default: '2' },
    // ready time: the median of this many starts of each launcher, alternated
    starts: { type: 'string', default: '3' },
    // sequential chain requests per leg, cut in `slices` rounds interleaved with the other legs
    chains: { type: 'string', default: '600' },
    slices: { type: 'string', default: '6' },
    hops: { type: 'string', default: '10' },
    'idle-seconds': { type: 'string', default: '5' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const instances = Number(values.instances);
const starts = Math.max(1, Number(values.starts));
const chains = Number(values.chains);
const slices = Math.max(1, Number(values.slices));
const hops = Number(values.hops);
const idleSeconds = Number(values['idle-seconds']);
const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const reaper = new Reaper();

/** One way through the chain: the entry's URL path, asked of svc0's instance 0. */
interface Leg {
  name: string;
  path: string;
  agent: http.Agent;
  latencies: number[];
}

function chainOnce(entryUrl: string, leg: Leg): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    http
      .get(`${entryUrl}${leg.path}`, { agent: leg.agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${leg.name} chain answered ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/**
 * Sequential chain requests on each leg, one keep-alive connection per leg: a warm-up, then
 * `chains` per leg in `slices` rounds, the legs taking turns (a slow spell of this shared
 * machine then lands on every leg, not on one).
 */
async function chainLegs(entryUrl: string, legs: Leg[]): Promise<Map<string, Percentiles>> {
  for (const leg of legs) for (let i = 0; i < 100; i++) await chainOnce(entryUrl, leg);
  const perSlice = Math.ceil(chains / slices);
  for (let s = 0; s < slices; s++) {
    for (const leg of legs) for (let i = 0; i < perSlice; i++) leg.latencies.push(await chainOnce(entryUrl, leg));
  }
  for (const leg of legs) leg.agent.destroy();
  return new Map(legs.map((leg) => [leg.name, percentiles(leg.latencies)]));
}

/** The chain's `hops` targets from svc0: svc1, svc2, ... (wrapping), alternating instances. */
function hopTargets(services: number): { service: string; instance: number }[] {
  return Array.from({ length: hops }, (_, k) => ({ service: serviceName((k + 1) % services), instance: k % instances }));
}

const viaPath = (origins: string[]) => `/via/${origins.map(encodeURIComponent).join(',')}`;
const newLeg = (name: string, legPath: string): Leg => ({ name, path: legPath, agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), latencies: [] });

interface Row {
  services: number;
  bareMs: number[];
  devmodeMs: number[];
  setup: string;
  rssMiB: number;
  listeners: number;
  idleCpuPct: number;
  direct: Percentiles;
  pipe: Percentiles;
  mesh: Percentiles;
  load: string;
}

const rows: Row[] = [];
console.log(
  `scale bench: ${process.version}; sizes ${sizes.join(', ')} x ${instances} instances; ${starts} starts each; ${hops}-hop chains x ${chains} per leg; load average at start ${loadAverage()}\n`,
);
try {
  for (const services of sizes) {
    const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-scale-'));
    reaper.removeOnExit(dir);
    const file = await writeScaleConfig(dir, services, instances);
    const bareMs: number[] = [];
    const devmodeMs: number[] = [];
    let setup = '';
    let up: DevmodeUp | undefined;
    const pipes: Running[] = [];
    try {
      // Alternated, bare first; the last devmode start stays up for the measurements.
      for (let i = 0; i < starts; i++) {
        const bare = await startBare(services, instances, reaper);
        bareMs.push(bare.readyMs);
        await bare.stop();
        up = new DevmodeUp({ file, cwd: dir, reaper, timeoutMs: 180_000 });
        const off = up.onLine((line) => {
          const m = /devmode's own part: ([^)]*)\)/.exec(line.text);
          if (m) setup = m[1]!;
        });
        const run = await up.ready;
        devmodeMs.push(run.readyMs);
        await sleep(200); // the ready line's listeners have run
        off();
        if (i < starts - 1) await up.stop();
      }
      const pid = up!.process.pid!;
      const state = await systemState(await adminUrlOf(dir, pid));
      const entry = instancesOf(state, 'svc0').find((i) => i.instance === 0);
      if (!entry) throw new Error('svc0.0 is not in devmode state');
      const listeners = listeningSockets(pid);
      const cpuBefore = cpuSecondsOf(pid);
      await sleep(idleSeconds * 1000);
      const idleCpuPct = ((cpuSecondsOf(pid) - cpuBefore) / idleSeconds) * 100;
      const targets = hopTargets(services).map(({ service, instance }) => {
        const found = instancesOf(state, service).find((i) => i.instance === instance);
        if (!found) throw new Error(`${service}.${instance} is not in devmode state`);
        return found.url;
      });
      for (const target of targets) pipes.push(await bytePipe(Number(new URL(target).port)));
      const legs = [
        newLeg('mesh', `/chain/${hops}`),
        newLeg('direct', viaPath(targets.map((t) => new URL(t).origin))),
        newLeg('pipe', viaPath(pipes.map((p) => `http://127.0.0.1:${p.port}`))),
      ];
      const measured = await chainLegs(entry.url, legs);
      const rssMiB = memoryOf(pid)?.rssMiB ?? NaN;
      const row: Row = {
        services,
        bareMs,
        devmodeMs,
        setup,
        rssMiB,
        listeners,
        idleCpuPct,
        direct: measured.get('direct')!,
        pipe: measured.get('pipe')!,
        mesh: measured.get('mesh')!,
        load: loadAverage(),
      };
      rows.push(row);
      console.log(
        `${services} x ${instances}: bare ${bareMs.map(Math.round).join('/')} ms, devmode ${devmodeMs.map(Math.round).join('/')} ms (${setup}); RSS ${f(rssMiB, 0)} MiB; ${listeners} listeners; ` +
          `chain p50/p99 direct ${f(row.direct.p50)}/${f(row.direct.p99)}, pipe ${f(row.pipe.p50)}/${f(row.pipe.p99)}, devmode ${f(row.mesh.p50)}/${f(row.mesh.p99)} ms; load ${row.load}`,
      );
    } finally {
      await Promise.all(pipes.map((p) => p.stop()));
      await up?.stop();
    }
  }
} finally {
  await reaper.stopAll();
}

const median = (values: number[]) => summarize(values).median;
const perHop = (a: number, b: number) => f((a - b) / hops, 3);
console.log(`\nready: spawn to every health check passing (bare) / to devmode's ready line, median of ${starts}; load average at the end ${loadAverage()}`);
console.log(
  table(
    ['system', 'bare ms', 'devmode ms', 'ratio', "devmode's own part", 'devmode RSS MiB', 'listeners', 'idle CPU %', 'load'],
    rows.map((r) => [
      `${r.services} x ${instances}`,
      f(median(r.bareMs), 0),
      f(median(r.devmodeMs), 0),
      `${f(median(r.devmodeMs) / median(r.bareMs))}x`,
      r.setup,
      f(r.rssMiB, 0),
      String(r.listeners),
      f(r.idleCpuPct, 1),
      r.load,
    ]),
  ),
);
console.log('targets: ratio <= 1.2x; RSS < 200 MB at 100 x 2; listeners growing with services + instances\n');
console.log(`${hops}-hop chain: ${chains} sequential requests per leg, the legs interleaved on the same processes: direct to the instances, through a Node byte pipe per hop, through devmode's mesh`);
console.log(
  table(
    ['system', 'direct p50 / p99 ms', 'byte pipes p50 / p99 ms', 'devmode p50 / p99 ms', 'pipe added per hop p50 / p99', 'devmode added per hop p50 / p99'],
    rows.map((r) => [
      `${r.services} x ${instances}`,
      `${f(r.direct.p50)} / ${f(r.direct.p99)}`,
      `${f(r.pipe.p50)} / ${f(r.pipe.p99)}`,
      `${f(r.mesh.p50)} / ${f(r.mesh.p99)}`,
      `${perHop(r.pipe.p50, r.direct.p50)} / ${perHop(r.pipe.p99, r.direct.p99)}`,
      `${perHop(r.mesh.p50, r.direct.p50)} / ${perHop(r.mesh.p99, r.direct.p99)}`,
    ]),
  ),
);
console.log('targets at 100 x 2: devmode added per hop p50 < 0.15 ms, p99 < 0.5 ms');
