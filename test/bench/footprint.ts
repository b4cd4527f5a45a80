/**
 * Footprint and responsiveness benchmark (see README.md), on the sample shop under a real
 * `devmode up`:
 *  (a) the memory of the devmode process itself (not its children) after ready, after mixed
 *      traffic through the gateway, and its peak, beside the sample services' own memory;
 *  (b) gateway latency at a fixed rate of a cheap route while devmode is idle, while kcat
 *      produces N x 100-byte messages to devmode's embedded broker, and while kcat reads them
 *      back: this shows whether heavy broker traffic stalls the other parts. The broker runs
 *      in a worker thread; DEVMODE_BROKER_IN_PROCESS=1 in the environment puts it on
 *      devmode's main thread, for the comparison.
 *
 *   node --import tsx test/bench/footprint.ts [--traffic-seconds 30] [--traffic-rate 100] [--probe-rate 200] [--idle-seconds 10]
 *   BENCH_FOOTPRINT_MESSAGES=200000 node --import tsx test/bench/footprint.ts   # quicker
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { kcatConsumeCount, kcatProduce, writeMessages, MESSAGE_BYTES } from './lib/footprint-kafka.js';
import { commandOf, descendantsOf, memoryOf, totalRssMiB } from './lib/footprint-proc.js';
import { ShopTraffic } from './lib/footprint-traffic.js';
import { adminUrlOf, systemState } from './lib/mesh-admin.js';
import { FixedRateLoad, percentiles, runFixedRate, type LoadWindow } from './lib/mesh-load.js';
import { writeBenchConfig } from './lib/startup-config.js';
import { DevmodeUp } from './lib/startup-devmode.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, table } from './lib/startup-stats.js';

const { values } = parseArgs({
  options: {
    'traffic-seconds': { type: 'string', default: '30' },
    'traffic-rate': { type: 'string', default: '100' },
    'probe-rate': { type: 'string', default: '200' },
    'idle-seconds': { type: 'string', default: '10' },
  },
});
const trafficSeconds = Number(values['traffic-seconds']);
const trafficRate = Number(values['traffic-rate']);
const probeRate = Number(values['probe-rate']);
const idleSeconds = Number(values['idle-seconds']);
const messages = Number(process.env['BENCH_FOOTPRINT_MESSAGES'] ?? 1_000_000);
const TOPIC = 'bench';
/** The cheap route probed in (b): user answers it from memory. */
const PROBE_PATH = '/api/users/bench-probe';

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const reaper = new Reaper();
const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-footprint-'));
reaper.removeOnExit(dir);

try {
  // The sample config, plus a topic for kcat (the sample does not create topics on demand).
  const { file } = await writeBenchConfig({ dir, name: `bench-footprint-${process.pid}` });
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.addIn(['kafka', 'topics'], doc.createNode({ name: TOPIC, partitions: 1 }));
  await writeFile(file, doc.toString());
  const dataFile = path.join(dir, 'messages.txt');
  const writing = writeMessages(dataFile, messages);

  const devmode = new DevmodeUp({ file, cwd: dir, reaper });
  await devmode.ready;
  const pid = devmode.process.pid!;
  const adminUrl = await adminUrlOf(dir, pid);
  const state = await systemState(adminUrl);
  const gateway = new URL(state.gatewayUrl).origin;
  const servicePids = state.services.flatMap((s) => s.instances.map((i) => i.pid)).filter((p): p is number => p !== null);
  // Each instance with whatever it started (a shell running node, say).
  const servicesRss = () => totalRssMiB(servicePids.flatMap((p) => [p, ...descendantsOf(p)]));
  const others = () => {
    const inServices = new Set(servicePids.flatMap((p) => [p, ...descendantsOf(p)]));
    return descendantsOf(pid).filter((p) => !inServices.has(p));
  };
  console.log(`footprint bench: ${process.version}; devmode pid ${pid}, sample shop (${servicePids.length} instances), gateway ${gateway}, broker ${state.kafkaBrokers}`);
  console.log(`load average at start ${loadAverage()}\n`);

  const memoryRows: string[][] = [];
  const memoryRow = (when: string) => {
    const mem = memoryOf(pid);
    if (!mem) throw new Error(`devmode (pid ${pid}) is gone`);
    const extra = others();
    memoryRows.push([when, f(mem.rssMiB), f(mem.peakMiB), f(servicesRss()), f(totalRssMiB(extra)), loadAverage()]);
    return extra;
  };

  // (a) Memory after ready (settled), then after mixed traffic.
  await sleep(2000);
  const helpers = memoryRow('after ready (+2 s)');
  const traffic = new ShopTraffic();
  const mixed = await runFixedRate({ origin: gateway, rate: trafficRate, next: traffic.next, onAnswer: traffic.onAnswer, ok: (s) => s < 500 }, trafficSeconds);
  memoryRow(`after ${trafficSeconds} s of mixed traffic`);

  // (b) Gateway latency while idle, during kcat produce, during kcat consume.
  await writing;
  const probe = new FixedRateLoad({ origin: gateway, rate: probeRate, next: () => ({ method: 'GET', path: PROBE_PATH }), ok: (s) => s < 500 });
  const phases: { name: string; window: LoadWindow; note: string; load: string }[] = [];
  probe.start();
  await sleep(1000); // connections open, paths warm
  probe.cut();
  await sleep(idleSeconds * 1000);
  phases.push({ name: 'idle', window: probe.cut(), note: '', load: loadAverage() });
  const produced = await kcatProduce(reaper, state.kafkaBrokers, TOPIC, dataFile);
  phases.push({ name: 'kcat produce', window: probe.cut(), note: `${messages.toLocaleString('en')} msgs in ${f(produced.ms / 1000, 2)} s`, load: loadAverage() });
  memoryRow(`after kcat produced ${messages.toLocaleString('en')} x ${MESSAGE_BYTES} B`);
  const consumed = await kcatConsumeCount(reaper, state.kafkaBrokers, TOPIC);
  phases.push({
    name: 'kcat consume',
    window: probe.cut(),
    note: `${consumed.count.toLocaleString('en')} msgs in ${f(consumed.ms / 1000, 2)} s${consumed.count === messages ? '' : ` (expected ${messages.toLocaleString('en')})`}`,
    load: loadAverage(),
  });
  await sleep(Math.min(idleSeconds, 5) * 1000);
  phases.push({ name: 'idle again', window: await probe.stop(), note: '', load: loadAverage() });
  memoryRow('at the end');

  console.log(`(a) memory (MiB): devmode's own process vs the sample services (sum of ${servicePids.length} instances)`);
  console.log(table(['when', 'devmode RSS', 'devmode peak (VmHWM)', 'services RSS', 'devmode helpers RSS', 'load average'], memoryRows));
  console.log(`devmode helpers: ${helpers.map((p) => `${p} ${commandOf(p).slice(0, 60)}`).join('; ') || 'none'}`);
  const failedMixed = mixed.errors + mixed.badStatus;
  console.log(`mixed traffic: ${trafficRate} req/s for ${trafficSeconds} s, ${mixed.latenciesMs.length} answered, ${failedMixed} failed (5xx or no answer); p50 ${f(percentiles(mixed.latenciesMs).p50, 2)} ms`);
  console.log(`  ${[...traffic.statuses].sort().map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  console.log(`target: devmode < 150 MB\n`);

  const idle = percentiles(phases[0]!.window.latenciesMs);
  console.log(`(b) gateway latency, GET ${PROBE_PATH} at ${probeRate} req/s, by phase`);
  console.log(
    table(
      ['phase', 'answered', 'p50 ms', 'p99 ms', 'max ms', 'p99 / idle', 'failed', 'load average', 'note'],
      phases.map(({ name, window, note, load }) => {
        const p = percentiles(window.latenciesMs);
        return [name, String(p.n), f(p.p50, 2), f(p.p99, 2), f(p.max, 1), `${f(p.p99 / idle.p99, 1)}x`, String(window.errors + window.badStatus), load, note];
      }),
    ),
  );
  if (produced.errors.length > 0 || consumed.errors.length > 0) console.log(`kcat said: ${[...produced.errors, ...consumed.errors].join(' | ')}`);
  console.log(`load average at end ${loadAverage()}`);
} finally {
  await reaper.close();
}
