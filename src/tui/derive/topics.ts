import type { StoreSnapshot } from '../../core/store/index.js';
import { bytes, clock, fit, rate, right } from '../text/format.js';
import { prettyJson } from '../text/json.js';
import { exactly, seg, selected, type Row } from '../text/row.js';
import { safeLine } from '../text/sanitize.js';
import type { UiState } from '../state/ui-state.js';

/** Topics (partitions, end offsets, rates), consumer groups (lag, consuming services), the selected topic's last messages. */
export function topicsBody(s: StoreSnapshot, ui: UiState['topics'], width: number, height: number): Row[] {
  const b = s.broker;
  const rows: Row[] = [[seg(fit(`${fit('TOPIC', 24)} ${right('PARTS', 5)} ${fit('END OFFSETS', 22)} ${right('MSG/S', 7)} ${right('BYTES/S', 8)}`, width), { bold: true, dim: true })]];
  const topicRoom = Math.max(1, Math.min(b.topics.length, Math.floor(height / 4)));
  const first = Math.max(0, Math.min(ui.selected - topicRoom + 1, b.topics.length - topicRoom));
  b.topics.slice(first, first + topicRoom).forEach((t, i) => {
    const ends = t.partitions.map((p) => `${p.partition}:${p.highWatermark}`).join(' ');
    const row: Row = [seg(fit(t.name, 24) + ' ', { bold: true }), seg(right(String(t.partitions.length), 5) + ' '), seg(fit(ends, 22) + ' '), seg(right(rate(t.messagesPerSec), 7) + ' '), seg(right(bytes(t.bytesPerSec), 8))];
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
    // the newest messages that fit below the tables
    const tail = tailRows(topic.name, ui, width);
    const room = Math.max(2, height - rows.length - 1);
    rows.push([seg('')], tail[0]!, ...tail.slice(1).slice(-(room - 1)));
  }
  return exactly(rows, height);
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
