import type { StoreSnapshot } from '../../core/store/index.js';
import { duration, fit, rate } from '../text/format.js';
import { seg, type Row } from '../text/row.js';

/**
 * Two lines: who and where (system, gateway, broker), then how it is doing (ready, req/s,
 * errors). `attached`: the TUI of `devmode ui` on a devmode started elsewhere, which says
 * so; `devmode up`'s own TUI (the same program in a child process) reads as the system's own.
 * Either way, when the devmode stops answering, the second line says so instead of showing
 * its last figures as if they were live.
 */
export function headerRows(s: StoreSnapshot, width: number, attached = true, now = Date.now()): Row[] {
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
  const r = h.remote;
  const lost = r !== null && !r.connected;
  const allReady = h.total > 0 && h.ready === h.total;
  const second: Row = lost
    ? [
        seg(` ✖ ${attached ? r.adminUrl : 'devmode'} not answering for ${duration(now - r.since)}; retrying`, { color: 'red', bold: true }),
        seg(`  last seen: ${h.ready}/${h.total} ready`, { color: 'gray' }),
        // the reason last: a narrow terminal cuts it first
        seg(`  (${r.error ?? 'no answer'})`, { color: 'red' }),
      ]
    : [
        seg(' '),
        seg(`${h.ready}/${h.total} ready`, { color: allReady ? 'green' : 'yellow', bold: true }),
        seg(`  ${rate(h.requestsPerSec)} req/s`),
        seg(`  ${h.errors} error${h.errors === 1 ? '' : 's'}${h.errors > 0 ? ` (${(h.errorRate * 100).toFixed(1)}%)` : ''}`, { color: h.errors > 0 ? 'red' : 'gray' }),
        ...(h.stopping ? [seg('  stopping…', { color: 'yellow' })] : []),
        ...(r && attached ? [seg(`  attached to ${r.adminUrl}`, { color: 'gray' })] : []),
      ];
  return [clip(first, width), clip(second, width)];
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
