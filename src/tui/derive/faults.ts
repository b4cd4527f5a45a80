import type { StoreSnapshot } from '../../core/store/index.js';
import { BROKER_DOWN_RULE } from '../../core/contracts.js';
import { fit, right } from '../text/format.js';
import { exactly, seg, selected, type Row } from '../text/row.js';

/** The rules in force with their hits, and the broker's state. */
export function faultsBody(s: StoreSnapshot, sel: number, width: number, height: number): Row[] {
  const b = s.broker;
  const down = s.faults.some((f) => f.id === BROKER_DOWN_RULE) || b.state === 'down';
  const rows: Row[] = [
    [seg(' broker ', { bold: true, inverse: true }), seg(down ? '  down: every client is cut off (b: bring it up)' : `  ${b.state} (b: take it down)`, { color: down ? 'red' : 'green' })],
    [seg('')],
    [seg(fit(`${fit('ID', 12)} ${fit('SOURCE', 7)} ${fit('CALLER -> CALLEE', 20)} ${fit('PATH', 10)} ${fit('ACTION', 15)} ${right('%', 4)} ${right('HITS', 5)}`, width), { bold: true, dim: true })],
  ];
  s.faults.forEach((f, i) => {
    const row: Row = [
      seg(fit(f.id, 12) + ' ', { bold: true }),
      seg(fit(f.source, 7) + ' ', { color: 'gray' }),
      seg(fit(`${f.caller} -> ${f.callee}`, 20) + ' '),
      seg(fit(f.path, 10) + ' '),
      seg(fit(f.action, 15) + ' ', { color: 'yellow' }),
      seg(right(String(f.percent), 4) + ' '),
      seg(right(String(f.hits), 5)),
    ];
    rows.push(i === sel ? selected(row) : row);
  });
  if (s.faults.length === 0) rows.push([seg('  no fault rules: f adds one (also f in Services and Traffic)', { color: 'gray' })]);
  return exactly(rows, height);
}
