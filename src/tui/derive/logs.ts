import type { LogLine, StoreSnapshot } from '../../core/store/index.js';
import { serviceColor } from '../../term/colors.js';
import { prettyJson } from '../text/json.js';
import { exactly, seg, type Row } from '../text/row.js';
import { safeLine } from '../text/sanitize.js';
import type { UiState } from '../state/ui-state.js';
import { LogFilter, type LogEntry } from './log-filter.js';
import { LogSource } from './log-source.js';

/** The Logs view's derived state, kept between frames (memoised source and filter). */
export class LogsDeriver {
  readonly source = new LogSource();
  readonly #filter = new LogFilter();
  #allIn: readonly LogLine[] | null = null;
  #allOut: readonly LogEntry[] = [];

  /** The entries the view scrolls through (all lines, or matches with context). */
  entries(s: StoreSnapshot, ui: UiState['logs']): { entries: readonly LogEntry[]; dropped: number; matches: number | null; error: string | null } {
    const { lines, dropped } = this.source.lines(s, ui.service);
    if (!ui.filter) {
      if (lines !== this.#allIn) {
        this.#allIn = lines;
        this.#allOut = lines.map(asEntry);
      }
      return { entries: this.#allOut, dropped, matches: null, error: null };
    }
    const f = this.#filter.apply(lines, ui.filter, (l) => this.source.plain(l));
    return { entries: f.entries, dropped, matches: f.matches, error: f.error };
  }

  body(s: StoreSnapshot, ui: UiState['logs'], width: number, height: number): Row[] {
    const { entries, dropped, matches, error } = this.entries(s, ui);
    const end = ui.anchorSeq === null ? entries.length : indexAfter(entries, ui.anchorSeq);
    // "name.N" and a space before the bar (instance numbers up to 9; more are cut)
    const prefixWidth = Math.min(16, Math.max(7, ...s.services.map((x) => x.name.length + 3)));
    // Walk back from the bottom line, expanding JSON lines, until the screen is full: only what is seen is formatted.
    const rows: Row[] = [];
    for (let i = end - 1; i >= 0 && rows.length < height - 1; i--) {
      const lines = entryRows(entries[i]!, prefixWidth, width, ui.json);
      rows.unshift(...lines.slice(Math.max(0, lines.length - (height - 1 - rows.length))));
    }
    const title: Row = [
      seg(` ${ui.service ?? 'all services'} `, { bold: true, inverse: true }),
      seg(ui.anchorSeq === null ? '  following' : `  scrolled back (${entries.length - end} newer)`, { color: ui.anchorSeq === null ? 'green' : 'yellow' }),
      ...(ui.filter ? [seg(`  filter "${ui.filter}": ${error ?? `${matches} match${matches === 1 ? '' : 'es'}`}`, { color: error ? 'red' : 'cyan' })] : []),
      ...(ui.json ? [seg('  json', { color: 'magenta' })] : []),
      ...(dropped > 0 ? [seg(`  ${dropped} older lines dropped`, { color: 'gray' })] : []),
    ];
    return [title, ...exactly(rows.length === 0 ? [[seg(entries.length === 0 && ui.filter ? '  no line matches' : '  no output yet', { color: 'gray' })]] : rows, height - 1)];
  }

  /** Every entry as plain text, for the pager. */
  text(s: StoreSnapshot, ui: UiState['logs']): string {
    const { entries } = this.entries(s, ui);
    return entries.map((e) => ('gap' in e ? '--' : `${e.line.service}.${e.line.instance} | ${this.source.plain(e.line)}`)).join('\n') + '\n';
  }
}

function asEntry(line: LogLine): LogEntry {
  return { line, match: false };
}

/** Index just past the entry with seq `seq` (entries are in seq order). */
export function indexAfter(entries: readonly LogEntry[], seq: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entrySeq(entries[mid]!) <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function entrySeq(e: LogEntry): number {
  return 'gap' in e ? e.seq : e.line.seq;
}

function entryRows(e: LogEntry, prefixWidth: number, width: number, json: boolean): Row[] {
  if ('gap' in e) return [[seg('  ──', { color: 'gray' })]];
  const l = e.line;
  const label = `${l.service}.${l.instance}`;
  const prefix = seg((label.length > prefixWidth ? label.slice(0, prefixWidth) : label.padEnd(prefixWidth)) + '│ ', { color: serviceColor(l.service), bold: e.match });
  const room = Math.max(10, width - prefixWidth - 2);
  const pretty = json ? prettyJson(l.text.length > 20_000 ? '' : l.text) : null;
  if (pretty) return pretty.map((p, i) => [i === 0 ? prefix : seg(' '.repeat(prefixWidth) + '│ ', { color: 'gray' }), seg(safeLine(p, room))]);
  return [[prefix, seg(safeLine(l.text, room), l.stream === 'stderr' ? { color: 'red' } : e.match ? { bold: true } : {})]];
}
