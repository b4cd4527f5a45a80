/**
 * Start-up benchmark: a cold `devmode up` of the sample system (embedded broker, order,
 * user x2, shipping, gateway), from spawning the process to its `ready` line, beside a bare
 * launch of the same processes with `concurrently` plus a wait loop on the same health
 * checks (and devmode's broker run standalone, so both legs include a broker).
 * The legs alternate, after one discarded warm-up run of each, so load from other programs
 * on the machine skews both alike. Prints median/min/max and the ratio devmode/bare.
 * Targets (DESIGN.md): ready in < 1.5 s, within 1.3x of the bare launcher.
 *
 *   node --import tsx test/bench/startup.ts [--runs 5]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bareRun } from './lib/startup-bare.js';
import { writeBenchConfig } from './lib/startup-config.js';
import { devmodeRun } from './lib/startup-devmode.js';
import { Reaper } from './lib/startup-procs.js';
import { loadAverage, ms, ratio, summarize, table } from './lib/startup-stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: process.env['BENCH_STARTUP_RUNS'] ?? '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
  process.stderr.write(`startup: --runs must be an integer from 1 to 50, got '${values.runs}'\n`);
  process.exit(2);
}

const reaper = new Reaper();
const dir = await mkdtemp(path.join(tmpdir(), 'devmode-bench-startup-'));
reaper.removeOnExit(dir);
try {
  const bench = await writeBenchConfig({ dir, name: 'shop-bench-startup' });
  const instances = bench.managed.reduce((n, s) => n + s.instances, 0);
  const loadBefore = loadAverage();
  const devmode: number[] = [];
  const reported: number[] = [];
  const bare: number[] = [];
  const firstService: number[] = [];
  const lastService: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const warmup = i === 0;
    const d = await devmodeRun({ file: bench.file, cwd: dir, reaper });
    const b = await bareRun(bench, reaper);
    process.stderr.write(`${warmup ? 'warm-up' : `run ${i}/${runs}`}: devmode ${ms(d.readyMs)} (prints ${d.reportedMs} ms), bare ${ms(b.readyMs)}\n`);
    if (warmup) continue;
    devmode.push(d.readyMs);
    reported.push(d.reportedMs);
    firstService.push(d.firstServiceMs);
    lastService.push(d.lastServiceMs);
    bare.push(b.readyMs);
  }
  const sd = summarize(devmode);
  const sr = summarize(reported);
  const sb = summarize(bare);
  const row = (name: string, s: ReturnType<typeof summarize>) => [name, ms(s.median), ms(s.min), ms(s.max)];
  console.log(`\nStart-up: sample system (${instances} service instances + embedded broker) to ready, ${runs} runs each after a warm-up`);
  console.log(
    table(['leg', 'median', 'min', 'max'], [
      row('devmode up: spawn -> "ready" line', sd),
      row('devmode up: its own "ready in N ms"', sr),
      row('concurrently + health wait loop', sb),
    ]),
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const boot = summarize(devmode.map((d, i) => d - reported[i]!)).median;
  console.log(
    `devmode medians after spawn: System.start +${ms(boot)} (node, imports, config), first service spawned +${ms(summarize(firstService).median)}, ` +
      `last spawned +${ms(summarize(lastService).median)} (depends_on waits for readiness), ready line +${ms(sd.median)}`,
  );
  console.log(`ratio devmode/bare (medians): ${ratio(sd.median, sb.median)}   target <= 1.3x: ${verdict(sd.median <= 1.3 * sb.median)}`);
  console.log(`devmode ready (median): ${ms(sd.median)}   target < 1500 ms: ${verdict(sd.median < 1500)}`);
  console.log(`load average (1, 5 min) before: ${loadBefore}, after: ${loadAverage()}`);
} catch (error) {
  process.stderr.write(`startup bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await reaper.close();
}
