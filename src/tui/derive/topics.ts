import type { OpenTransactionView, TopicView } from '../../core/contracts.js';
import type { StoreSnapshot } from '../../core/store/index.js';
import { bytes, clock, duration, fit, rate, right } from '../text/format.js';
import { prettyJson } from '../text/json.js';
import { exactly, seg, selected, type Row } from '../text/row.js';
import { safeLine } from '../text/sanitize.js';
import { terminalSafe } from '../../util/terminal-safe.js';
import type { UiState } from '../state/ui-state.js';

/**
 * Topics (partitions, end offsets, rates, open transactions), consumer groups (lag,
 * consuming services), the selected topic's open transactions and last stable offsets, and
 * its last messages.
 */
export function topicsBody(s: StoreSnapshot, ui: UiState['topics'], width: number, height: number): Row[] {
  const b = s.broker;
  const rows: Row[] = [[seg(fit(`${fit('TOPIC', 24)} ${right('PARTS', 5)} ${fit('END OFFSETS', 22)} ${right('MSG/S', 7)} ${right('BYTES/S', 8)} ${right('TXNS', 8)}`, width), { bold: true, dim: true })]];
  const topicRoom = Math.max(1, Math.min(b.topics.length, Math.floor(height / 4)));
  const first = Math.max(0, Math.min(ui.selected - topicRoom + 1, b.topics.length - topicRoom));
  b.topics.slice(first, first + topicRoom).forEach((t, i) => {
    const ends = t.partitions.map((p) => `${p.partition}:${p.highWatermark}`).join(' ');
    const open = openIn(t.name, b.transactions).length;
    const row: Row = [
      seg(fit(t.name, 24) + ' ', { bold: true }),
      seg(right(String(t.partitions.length), 5) + ' '),
      seg(fit(ends, 22) + ' '),
      seg(right(rate(t.messagesPerSec), 7) + ' '),
      seg(right(bytes(t.bytesPerSec), 8) + ' '),
      seg(right(open > 0 ? `${open} open` : '', 8), { color: 'yellow' }),
    ];
    rows.push(first + i === ui.selected ? selected(row) : row);
  });
  if (b.topics.length === 0) rows.push([seg(b.state === 'up' ? '  no topics' : `  broker ${b.state}`, { color: 'gray' })]);
  rows.push([seg(fit(`${fit('GROUP', 24)} ${fit('STATE', 12)} ${right('MEMBERS', 7)} ${right('LAG', 7)}  SERVICES`, width), { bold: true, dim: true })]);
  for (const g of b.groups.slice(0, Math.max(1, Math.floor(height / 5)))) {
    rows.push([seg(fit(g.groupId, 24) + ' '), seg(fit(g.state, 12) + ' ', { color: g.state === 'Stable' ? 'green' : 'yellow' }), seg(right(String(g.members.length), 7) + ' '), seg(right(String(g.lag), 7) + '  ', { color: g.lag > 0 ? 'yellow' : 'green' }), seg(g.services.join(', ') || '-', { color: 'cyan' })]);
  }
  if (b.groups.length === 0) rows.push([seg('  no consumer groups', { color: 'gray' })]);
  const topic = b.topics[ui.selected];
  if (topic) {
    rows.push(...transactionRows(topic, b.transactions, s.ts, width));
    // the newest messages that fit below the tables
    const tail = tailRows(topic.name, ui, width);
    const room = Math.max(2, height - rows.length - 1);
    rows.push([seg('')], tail[0]!, ...tail.slice(1).slice(-(room - 1)));
  }
  return exactly(rows, height);
}

/** The open transactions writing to `topic` (or that added one of its partitions). */
function openIn(topic: string, transactions: readonly OpenTransactionView[]): OpenTransactionView[] {
  return transactions.filter((t) => t.partitions.some((p) => p.topic === topic));
}

/**
 * The selected topic's open transactions (who, where their first records are, for how long)
 * and the partitions whose last stable offset is behind the end: what read_committed
 * consumers wait for. Nothing when no transaction is open.
 */
function transactionRows(topic: TopicView, transactions: readonly OpenTransactionView[], now: number, width: number): Row[] {
  const open = openIn(topic.name, transactions);
  const held = topic.partitions.filter((p) => p.lastStableOffset !== undefined && p.lastStableOffset < p.highWatermark);
  if (open.length === 0 && held.length === 0) return [];
  const rows: Row[] = [[seg('')], [seg(` ${topic.name} `, { bold: true, inverse: true }), seg(`  ${open.length} open transaction${open.length === 1 ? '' : 's'}`, { color: 'yellow' })]];
  for (const t of open) {
    // what matters first (where, for how long), the producer last: an 80-column line cuts the end
    const parts = t.partitions
      .filter((p) => p.topic === topic.name)
      .map((p) => `p${p.partition}${p.firstOffset === null ? '' : `@${p.firstOffset}`}`)
      .join(' ');
    const others = t.partitions.filter((p) => p.topic !== topic.name).length;
    const age = now - t.startedAt;
    const times = `open ${duration(age)}, aborted in ${duration(Math.max(0, t.timeoutMs - age))}`;
    const groups = t.groups.length > 0 ? `  offsets of ${t.groups.map((g) => shown(g, 40)).join(', ')}` : '';
    const line = `${parts}${others > 0 ? ` (+${others} elsewhere)` : ''}  ${times}${groups}  pid ${t.producerId} epoch ${t.epoch}`;
    const id = `  ${shown(t.transactionalId, 24)}  `;
    rows.push([seg(id, { color: 'cyan' }), seg(fit(line, width - id.length))]);
  }
  if (held.length > 0) {
    const lso = held.map((p) => `p${p.partition} ${p.lastStableOffset} < end ${p.highWatermark}`).join(', ');
    rows.push([seg(fit(`  last stable offset: ${lso} (read_committed waits there)`, width), { color: 'gray' })]);
  }
  return rows;
}

/** A name a client sent (transactional id, group), its control characters escaped, cut to `max`. */
function shown(name: string, max: number): string {
  const safe = terminalSafe(name);
  return fit(safe, Math.min(safe.length, max));
}

function tailRows(topic: string, ui: UiState['topics'], width: number): Row[] {
  const head: Row = [seg(` ${topic} `, { bold: true, inverse: true }), seg('  last messages (newest last; n: produce one)', { color: 'gray' })];
  const tail = ui.tail?.topic === topic ? ui.tail : null;
  if (!tail) return [head, [seg('  reading…', { color: 'gray' })]];
  if (tail.error) return [head, [seg(`  ${tail.error}`, { color: 'red' })]];
  const rows: Row[] = [head];
  for (const r of tail.records) {
    const headers = r.headers.length > 0 ? ` ${r.headers.map((h) => `${h.key}=${h.value ?? ''}`).join(' ')}` : '';
    rows.push([seg(`  p${r.partition} @${r.offset} `, { color: 'magenta' }), seg(`${clock(r.timestamp)} `, { color: 'gray' }), seg(`key=${r.key ?? '∅'}`, { color: 'cyan' }), seg(safeLine(headers, width - 40), { color: 'gray' })]);
    const value = r.value ?? '∅';
    const pretty = ui.json ? prettyJson(value) : null;
    for (const line of pretty ?? [value.replace(/\s*\n\s*/g, ' ')]) rows.push([seg('    ' + safeLine(line, width - 4))]);
  }
  if (tail.records.length === 0) rows.push([seg('  no messages', { color: 'gray' })]);
  return rows;
}
