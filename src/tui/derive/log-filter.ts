import type { LogLine } from '../../core/store/index.js';

/** A line to show, or the gap between two groups of matches. */
export type LogEntry = { line: LogLine; match: boolean } | { gap: true; seq: number };

/** Lines shown around each match, so a match is read in its context. */
export const CONTEXT_LINES = 2;

/**
 * The lines matching `filter` (case-insensitive text, or /regex/), each with CONTEXT_LINES
 * before and after, groups separated by a gap. Memoised on the input array and filter:
 * recomputed only when new lines came.
 */
export class LogFilter {
  #input: readonly LogLine[] | null = null;
  #filter = '';
  #out: LogEntry[] = [];

  apply(lines: readonly LogLine[], filter: string, plain: (l: LogLine) => string): { entries: readonly LogEntry[]; matches: number; error: string | null } {
    const test = matcher(filter);
    if (typeof test === 'string') return { entries: lines.map((line) => ({ line, match: false })), matches: 0, error: test };
    if (lines !== this.#input || filter !== this.#filter) {
      this.#input = lines;
      this.#filter = filter;
      this.#out = withContext(lines, (l) => test(plain(l)));
    }
    return { entries: this.#out, matches: this.#out.filter((e) => 'line' in e && e.match).length, error: null };
  }
}

function matcher(filter: string): ((text: string) => boolean) | string {
  const re = /^\/(.+)\/([a-z]*)$/.exec(filter);
  if (re) {
    try {
      const r = new RegExp(re[1]!, re[2]!.includes('i') ? re[2] : re[2] + 'i');
      return (t) => r.test(t);
    } catch (error) {
      return `not a regular expression: ${(error as Error).message}`;
    }
  }
  const needle = filter.toLowerCase();
  return (t) => t.toLowerCase().includes(needle);
}

function withContext(lines: readonly LogLine[], test: (l: LogLine) => boolean): LogEntry[] {
  const out: LogEntry[] = [];
  let shownUpTo = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!test(lines[i]!)) continue;
    const from = Math.max(shownUpTo + 1, i - CONTEXT_LINES);
    if (shownUpTo >= 0 && from > shownUpTo + 1) out.push({ gap: true, seq: lines[from]!.seq - 0.5 });
    for (let k = from; k < i; k++) out.push({ line: lines[k]!, match: false });
    out.push({ line: lines[i]!, match: true });
    shownUpTo = i;
    // the context after: lines up to CONTEXT_LINES past the match (a later match extends it)
    let k = i + 1;
    for (; k < lines.length && k <= i + CONTEXT_LINES; k++) {
      if (test(lines[k]!)) break;
      out.push({ line: lines[k]!, match: false });
      shownUpTo = k;
    }
    i = k - 1;
  }
  return out;
}
