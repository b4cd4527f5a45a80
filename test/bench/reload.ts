/**
 * Reload benchmark: save-to-served latency and failed requests under a steady load, for
 * the sample's order service, (a) under `devmode up` (the whole sample system, a throw-away
 * copy of sample-system, load through the gateway) and (b) alone under `node --watch` (same
 * copy, same environment contract, devmode's broker standalone, load straight to its port).
 * Each edit rewrites a VERSION constant in order's server.mjs (sent as an `x-version`
 * header); the time is from the write to the first answer with the new version, and a
 * failure is any non-2xx answer or connection error in the edit's window.
 * Targets (DESIGN.md): within 1.2x of node --watch, with zero failed requests for devmode.
 *
 *   node --import tsx test/bench/reload.ts [--edits 5] [--rate 300]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SteadyLoad } from './lib/load-steady.js';
import { startDevmodeLeg, startWatchLeg, type RunningLeg } from './lib/reload-legs.js';
import { measureEdits, type EditResult } from './lib/reload-measure.js';
import { SampleCopy, VERSION_HEADER } from './lib/reload-sample.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, ms, ratio, summarize, table } from './lib/startup-stats.js';

const { values } = parseArgs({
  options: {
    edits: { type: 'string', default: process.env['BENCH_RELOAD_EDITS'] ?? '5' },
    rate: { type: 'string', default: process.env['BENCH_RELOAD_RATE'] ?? '300' },
  },
});
const edits = Number(values.edits);
const rate = Number(values.rate);
if (!Number.isInteger(edits) || edits < 1 || edits > 50 || !Number.isFinite(rate) || rate < 1 || rate > 5_000) {
  process.stderr.write(`reload: --edits must be 1-50 and --rate 1-5000 (requests/s), got '${values.edits}' and '${values.rate}'\n`);
  process.exit(2);
}

interface LegResult {
  name: string;
  edits: EditResult[];
  sent: number;
  failed: number;
  failedBeforeEdits: number;
  milestones: string[];
}

const log = (text: string) => process.stderr.write(`${text}\n`);

async function runLeg(name: string, prefix: string, start: () => Promise<RunningLeg>, copy: SampleCopy): Promise<LegResult> {
  log(`${name}: starting`);
  const leg = await start();
  const load = new SteadyLoad({ url: leg.url, rate, markerHeader: VERSION_HEADER });
  try {
    load.start();
    const results = await measureEdits({ copy, load, edits, versionPrefix: prefix, lines: leg.lines, milestones: leg.milestones, log });
    await load.stop();
    const counts = load.counts;
    const failed = counts.non2xx + counts.connectionErrors;
    const inWindows = results.reduce((n, r) => n + r.failures, 0);
    return { name, edits: results, sent: counts.sent, failed, failedBeforeEdits: failed - inWindows, milestones: leg.milestones.map((m) => m.name) };
  } finally {
    await load.stop();
    await leg.stop();
  }
}

const reaper = new Reaper();
const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-reload-'));
reaper.removeOnExit(dir);
try {
  const copy = await SampleCopy.create(dir);
  const loadBefore = loadAverage();
  const devmode = await runLeg('devmode up (through the gateway)', 'd', () => startDevmodeLeg({ dir, copy, reaper }), copy);
  const watch = await runLeg('node --watch (direct)', 'w', () => startWatchLeg({ copy, reaper }), copy);

  console.log(`\nReload: order's server.mjs saved ${edits} times per leg under ${rate} req/s of GET /api/orders (keep-alive)`);
  const row = (r: LegResult) => {
    const s = summarize(r.edits.map((e) => e.servedMs));
    const perEdit = summarize(r.edits.map((e) => e.failures));
    return [r.name, ms(s.median), ms(s.min), ms(s.max), String(r.failed), `${perEdit.median} / ${perEdit.max}`, String(r.sent)];
  };
  console.log(table(['leg', 'save->served median', 'min', 'max', 'failed requests', 'failed per edit median / max', 'requests'], [row(devmode), row(watch)]));
  const d = summarize(devmode.edits.map((e) => e.servedMs)).median;
  const w = summarize(watch.edits.map((e) => e.servedMs)).median;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(`ratio devmode/node --watch (medians): ${ratio(d, w)}   target <= 1.2x: ${verdict(d <= 1.2 * w)}`);
  console.log(`devmode failed requests: ${devmode.failed}   target 0: ${verdict(devmode.failed === 0)}`);
  for (const leg of [devmode, watch]) {
    const parts = leg.milestones.map((name) => `${name} +${ms(summarize(leg.edits.flatMap((e) => (e.marks[name] !== undefined ? [e.marks[name]] : []))).median)}`);
    console.log(`${leg.name}, medians after the save: ${[...parts, `first new answer +${ms(summarize(leg.edits.map((e) => e.servedMs)).median)}`].join(', ')}`);
    const kinds = [...new Set(leg.edits.flatMap((e) => e.failureKinds.map((k) => k.replace(/^\d+ /, ''))))];
    if (kinds.length > 0) console.log(`  failures were: ${kinds.join(', ')}`);
  }
  console.log(`load average (1, 5 min) before: ${loadBefore}, after: ${loadAverage()}`);
} catch (error) {
  process.stderr.write(`reload bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await reaper.close();
}
