import type { StoreSnapshot, TapEntry } from '../../core/store/index.js';
import { clock, fit, latency, right } from '../text/format.js';
import { seg, selected, type Row } from '../text/row.js';
import type { StatusClass, UiState } from '../state/ui-state.js';

/** The tap as the filters leave it (paused: as it was when paused), oldest first. */
export function filteredTap(s: StoreSnapshot, ui: UiState['traffic']): readonly TapEntry[] {
  const items = ui.paused ?? s.tap.items;
  if (ui.service === null && ui.status === 'all' && !ui.path) return items;
  const path = ui.path.toLowerCase();
  return items.filter(
    (t) =>
      (ui.service === null || t.caller.service === ui.service || t.callee.service === ui.service) &&
      statusMatches(t, ui.status) &&
      (!path || t.path.toLowerCase().includes(path)),
  );
}

function statusMatches(t: TapEntry, c: StatusClass): boolean {
  switch (c) {
    case 'all':
      return true;
    case 'failed':
      return t.status === 0 || t.error !== null || t.status >= 500;
    default:
      return Math.floor(t.status / 100) === Number(c[0]);
  }
}

/** Index of the selected exchange in `tap` (the newest when none is). */
export function selectedIndex(tap: readonly TapEntry[], seq: number | null): number {
  if (seq === null) return tap.length - 1;
  for (let i = tap.length - 1; i >= 0; i--) if (tap[i]!.seq <= seq) return i;
  return 0;
}

export function endpointName(e: { service: string; instance: number | null }): string {
  return e.instance === null ? e.service : `${e.service}.${e.instance}`;
}

/** The tap's rows, the selected one visible (virtualised: only `height` rows are made). */
export function tapRows(tap: readonly TapEntry[], sel: number, width: number, height: number): Row[] {
  const pathWidth = Math.max(8, width - 9 - 23 - 1 - 7 - 5 - 7 - 3);
  const header: Row = [seg(fit(`TIME     ${fit('CALLER -> CALLEE', 23)} ${fit('METHOD', 6)} ${fit('PATH', pathWidth)} STAT LATENCY`, width), { bold: true, dim: true })];
  const visible = height - 1;
  const first = Math.max(0, Math.min(sel - Math.floor(visible / 2), tap.length - visible));
  const rows: Row[] = [header];
  for (let i = first; i < Math.min(tap.length, first + visible); i++) {
    const t = tap[i]!;
    const failed = t.status === 0 || t.status >= 500 || t.error !== null;
    const row: Row = [
      seg(clock(t.ts) + ' ', { color: 'gray' }),
      seg(fit(`${endpointName(t.caller)} -> ${endpointName(t.callee)}`, 23) + ' '),
      seg(fit(t.method, 6) + ' ', { color: 'cyan' }),
      seg(fit(t.path, pathWidth) + ' '),
      seg(right(t.kind === 'ws' ? 'WS' : t.status === 0 ? '---' : String(t.status), 4) + ' ', { color: failed ? 'red' : t.status >= 400 ? 'yellow' : 'green', bold: failed }),
      seg(right(latency(t.durationMs), 7)),
      ...(t.fault ? [seg(' ⚡', { color: 'yellow' })] : []),
    ];
    rows.push(i === sel ? selected(row) : row);
  }
  if (tap.length === 0) rows.push([seg('  no exchanges yet (or none matches the filters)', { color: 'gray' })]);
  return rows;
}
