import type { StoreSnapshot } from '../../core/store/index.js';
import { exactly, seg, type Row } from '../text/row.js';
import type { UiState } from '../state/ui-state.js';
import { callDetail, type CallLinks } from './call-detail.js';
import { filteredTap, selectedIndex, tapRows } from './tap.js';
import { topRows, topologyRows } from './top.js';

export function trafficBody(s: StoreSnapshot, ui: UiState['traffic'], links: CallLinks, width: number, height: number): Row[] {
  const modes: Row = [
    ...(['tap', 'top', 'topology'] as const).flatMap((m) => [seg(` ${m} `, m === ui.mode ? { inverse: true, bold: true } : { color: 'gray' }), seg(' ')]),
    seg(' '),
    ...(ui.mode === 'tap'
      ? [
          seg(ui.paused ? '⏸ paused ' : '● live ', { color: ui.paused ? 'yellow' : 'green' }),
          seg(`service:${ui.service ?? 'all'} status:${ui.status}${ui.path ? ` path:${ui.path}` : ''}`, { color: ui.service || ui.status !== 'all' || ui.path ? 'cyan' : 'gray' }),
          // devmode leaves calls out of a busy tap (devmode ui --max-rps): say so, and that no failure is among them
          ...(s.tapSampled ? [seg(` sampled ≤${s.tapSampled.maxRps}/s·all errors`, { color: 'yellow' })] : []),
        ]
      : []),
  ];
  const room = height - 1;
  if (ui.mode === 'top') return [modes, ...exactly(topRows(s, ui.topSelected, width, room), room)];
  if (ui.mode === 'topology') return [modes, ...exactly(topologyRows(s, width), room)];
  const tap = filteredTap(s, ui);
  const sel = selectedIndex(tap, ui.selectedSeq);
  const current = tap[sel];
  if (!ui.detail || !current) return [modes, ...exactly(tapRows(tap, sel, width, room), room)];
  const listHeight = Math.max(4, Math.floor(room * 0.4));
  return [modes, ...exactly(tapRows(tap, sel, width, listHeight), listHeight), ...scrolled(callDetail(s, current, links, width), ui.detailTop, room - listHeight)];
}

/** `height` lines of the detail from `top` (kept within it), saying what is above and below. */
function scrolled(rows: Row[], top: number, height: number): Row[] {
  if (rows.length <= height) return exactly(rows, height);
  const first = Math.min(top, rows.length - height + 1);
  const shown = rows.slice(first, first + height - 1);
  const below = rows.length - first - shown.length;
  const note = [below > 0 ? `↓ ${below} more line${below === 1 ? '' : 's'} (PgDn)` : '', first > 0 ? `↑ ${first} above (PgUp)` : ''].filter(Boolean).join('  ');
  return [...shown, [seg(`  ${note}; v: all of it in $PAGER`, { color: 'gray' })]];
}
