/**
 * The measurement loop of the reload benchmark, the same for every leg: with the steady
 * load running, save a new version of order's server.mjs, time the first answer carrying
 * it, keep the load on while the old version goes away, and count the failed requests
 * of each edit's window (from its save to the next save).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer, SteadyLoad } from './load-steady.js';
import type { SampleCopy } from './reload-sample.js';
import type { StampedLine } from './startup-procs.js';

/** A milestone in a leg's output: the first line after the save matching `pattern`. */
export interface Milestone {
  name: string;
  pattern: RegExp;
}

export interface EditResult {
  version: string;
  /** save to the first answer with the new version */
  servedMs: number;
  /** failed requests from this save to the next one */
  failures: number;
  /** milestone name -> ms after the save (missing when the line was not seen) */
  marks: Record<string, number>;
  /** a few failure details, for the report */
  failureKinds: string[];
}

export interface MeasureOptions {
  copy: SampleCopy;
  load: SteadyLoad;
  edits: number;
  /** distinguishes the legs' versions (they share one copy) */
  versionPrefix: string;
  /** the leg's output lines as they arrive, for milestones */
  lines: readonly StampedLine[];
  milestones: readonly Milestone[];
  /** the load runs this long after each switch before the next save (default 1500 ms) */
  settleMs?: number;
  /** give up on one edit after this long (default 20 s) */
  timeoutMs?: number;
  log?: (text: string) => void;
}

function firstAnswer(load: SteadyLoad, version: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no answer with version ${version} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = load.onAnswer((answer) => {
      if (answer.marker !== version) return;
      clearTimeout(timer);
      off();
      resolve(answer);
    });
  });
}

export async function measureEdits(options: MeasureOptions): Promise<EditResult[]> {
  const settleMs = options.settleMs ?? 1_500;
  const results: EditResult[] = [];
  await sleep(settleMs);
  for (let k = 1; k <= options.edits; k++) {
    const version = `${options.versionPrefix}${k}`;
    const failuresBefore = options.load.failures.length;
    const served = firstAnswer(options.load, version, options.timeoutMs ?? 20_000);
    const savedAt = performance.now();
    await options.copy.setVersion(version);
    const answer = await served;
    await sleep(settleMs);
    const window = options.load.failures.slice(failuresBefore);
    const marks: Record<string, number> = {};
    for (const m of options.milestones) {
      const line = options.lines.find((l) => l.at >= savedAt && m.pattern.test(l.text));
      if (line) marks[m.name] = line.at - savedAt;
    }
    const kinds = new Map<string, number>();
    for (const f of window) kinds.set(f.detail ?? String(f.status), (kinds.get(f.detail ?? String(f.status)) ?? 0) + 1);
    const result: EditResult = {
      version,
      servedMs: answer.at - savedAt,
      failures: window.length,
      marks,
      failureKinds: [...kinds].map(([kind, n]) => `${n} ${kind}`),
    };
    results.push(result);
    const shown = Object.entries(marks).map(([name, at]) => `${name} +${Math.round(at)}`).join(', ');
    options.log?.(`  ${version}: served after ${Math.round(result.servedMs)} ms, ${result.failures} failed${shown ? ` (${shown})` : ''}${result.failureKinds.length ? ` [${result.failureKinds.join(', ')}]` : ''}`);
  }
  return results;
}
