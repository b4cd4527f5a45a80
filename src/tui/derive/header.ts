import type { StoreSnapshot } from '../../core/store/index.js';
import { fit, rate } from '../text/format.js';
import { seg, type Row } from '../text/row.js';

/** Two lines: who and where (system, gateway, broker), then how it is doing (ready, req/s, errors, attachment). */
export function headerRows(s: StoreSnapshot, width: number): Row[] {
  const h = s.header;
  const b = s.broker;
  const broker = b.mode ? `kafka ${b.mode} ${b.address}${b.state === 'up' ? '' : ` (${b.state})`}` : 'kafka starting';
  const first: Row = [
    seg(` ${h.name} `, { bold: true, inverse: true }),
    seg('  '),
    seg(h.gatewayUrl ? `gateway ${h.gatewayUrl}` : 'gateway starting', { color: 'cyan' }),
    seg('  '),
    seg(broker, { color: b.state === 'down' ? 'red' : b.state === 'up' ? 'magenta' : 'yellow' }),
  ];
  const allReady = h.total > 0 && h.ready === h.total;
  const second: Row = [
    seg(' '),
    seg(`${h.ready}/${h.total} ready`, { color: allReady ? 'green' : 'yellow', bold: true }),
    seg(`  ${rate(h.requestsPerSec)} req/s`),
    seg(`  ${h.errors} error${h.errors === 1 ? '' : 's'}${h.errors > 0 ? ` (${(h.errorRate * 100).toFixed(1)}%)` : ''}`, { color: h.errors > 0 ? 'red' : 'gray' }),
    ...(h.stopping ? [seg('  stopping…', { color: 'yellow' })] : []),
    ...remote(s),
  ];
  return [clip(first, width), clip(second, width)];
}

function remote(s: StoreSnapshot): Row {
  const r = s.header.remote;
  if (!r) return [];
  return r.connected
    ? [seg(`  attached to ${r.adminUrl}`, { color: 'gray' })]
    : [seg(`  attached to ${r.adminUrl}: disconnected (${r.error ?? 'no answer'}), retrying`, { color: 'red' })];
}

/** Cuts a row to `width` characters. */
export function clip(row: Row, width: number): Row {
  const out: Row[number][] = [];
  let left = width;
  for (const s of row) {
    if (left <= 0) break;
    if (s.text.length <= left) {
      out.push(s);
      left -= s.text.length;
    } else {
      out.push({ ...s, text: fit(s.text, left) });
      left = 0;
    }
  }
  return out;
}
