import type { FaultRuleView } from '../core/contracts.js';
import type { StoreSnapshot } from '../core/store/index.js';
import { stripAnsi } from '../term/colors.js';

/** How many near misses and log lines a failure shows (the report holds the rest). */
export const NEAR_MISSES_SHOWN = 5;
export const LOG_LINES_SHOWN = 12;

/** A candidate and what differed from what was wanted. */
export interface Miss {
  text: string;
  differences: string[];
}

/**
 * The nearest misses: candidates with the fewest differences first, the most recent first
 * among equals (what a test waited for usually came last).
 */
export function nearestMisses(misses: readonly Miss[], limit = NEAR_MISSES_SHOWN): Miss[] {
  return misses
    .map((miss, index) => ({ miss, index }))
    .sort((a, b) => a.miss.differences.length - b.miss.differences.length || b.index - a.index)
    .slice(0, limit)
    .map((x) => x.miss);
}

/** The closing sections of a failed wait: near misses, faults in force, the services' last lines. */
export function explainFailure(input: { misses: readonly Miss[]; total: number; noun: string; snapshot: StoreSnapshot; services: readonly string[]; report?: string | undefined }): string {
  const lines: string[] = [];
  const shown = nearestMisses(input.misses);
  if (input.total === 0) lines.push(`No ${input.noun} at all since the cursor.`);
  else {
    lines.push(`Nearest misses (${shown.length} of ${input.total} ${input.noun} since the cursor):`);
    for (const miss of shown) lines.push(`  - ${printable(miss.text)}`, `      differs: ${printable(miss.differences.join('; '))}`);
  }
  lines.push(...describeFaults(input.snapshot.faults));
  for (const service of input.services) lines.push(...lastLines(input.snapshot, service, LOG_LINES_SHOWN));
  if (input.report) lines.push(`Report (calls, messages, logs, faults): ${input.report}`);
  return lines.join('\n');
}

export function describeFaults(faults: readonly FaultRuleView[]): string[] {
  if (faults.length === 0) return ['Faults in force: none.'];
  return ['Faults in force:', ...faults.map((f) => `  - ${f.id} (${f.source}): ${f.caller} -> ${f.callee} ${f.path}${f.methods.length ? ` [${f.methods.join(',')}]` : ''}: ${f.action}${f.percent < 100 ? ` at ${f.percent}%` : ''}, ${f.hits} hit${f.hits === 1 ? '' : 's'}`)];
}

/** "Last lines of user.0:" and the lines, per instance of the service (escaped for a terminal). */
export function lastLines(snapshot: StoreSnapshot, service: string, count: number): string[] {
  const view = snapshot.services.find((s) => s.name === service);
  if (!view) return [];
  const out: string[] = [];
  for (const instance of view.instances) {
    const ring = snapshot.logs.byInstance[instance.key];
    const items = ring?.items.slice(-count) ?? [];
    out.push(`Last lines of ${instance.key} (${instance.state}${instance.lastExit && !instance.lastExit.requested ? `, last exit ${instance.lastExit.code ?? instance.lastExit.signal}` : ''}):`);
    if (items.length === 0) out.push('  (none)');
    for (const line of items) out.push(`  ${line.stream === 'stderr' ? '!' : '|'} ${printable(line.text)}`);
  }
  return out;
}

/** Text from services or the wire made safe for a terminal: colours dropped, control characters shown as escapes. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripAnsi(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
