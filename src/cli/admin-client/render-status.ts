import type { SystemSnapshot } from '../../core/contracts.js';
import { paint, type Style } from '../../term/colors.js';
import { table } from './table.js';
import { terminalSafeDeep } from '../../util/terminal-safe.js';

/**
 * `devmode status` as text: the addresses, services and their instances, traffic per edge,
 * topics, consumer groups with lag, open transactions, and faults. Sections with nothing to
 * show are left out.
 */
export function renderStatus(snapshot: SystemSnapshot, style: Style, now = Date.now()): string {
  // topic and group names, client ids and paths come from anyone who can reach the system
  const s = terminalSafeDeep(snapshot);
  const out: string[] = [];
  out.push(`${paint(style, 'bold', s.name || 'devmode')}  gateway ${s.gatewayUrl || '-'}  locator ${s.locatorUrl || '-'}  kafka ${s.kafkaBrokers || '-'}`);

  out.push('', paint(style, 'bold', 'SERVICES'));
  if (s.services.length === 0) out.push('  (none)');
  const serviceRows: string[][] = [];
  for (const service of s.services) {
    if (service.instances.length === 0) serviceRows.push([service.name, '-', paint(style, 'gray', 'no instance'), '', '', '']);
    for (const i of service.instances) {
      const name = service.kind === 'managed' ? `${service.name}.${i.instance}` : service.name;
      serviceRows.push([name, stateText(style, i.state), i.pid !== null ? `pid ${i.pid}` : '', i.port !== null ? `port ${i.port}` : '', service.kind === 'unmanaged' ? (i.url ?? '') : '', i.why ? paint(style, 'gray', i.why) : '']);
    }
  }
  out.push(...table(serviceRows));

  if (s.edges.length > 0) {
    out.push('', paint(style, 'bold', 'TRAFFIC'));
    const rows = [['caller -> callee', 'req/s', 'errors', 'p50', 'p95', 'p99'].map((h) => paint(style, 'gray', h))];
    for (const e of s.edges) rows.push([`${e.caller} -> ${e.callee}`, rate(e.ratePerSec), e.errors > 0 ? paint(style, 'red', percent(e.errorRate)) : percent(e.errorRate), ms(e.p50), ms(e.p95), ms(e.p99)]);
    out.push(...table(rows));
  }

  if (s.topics.length > 0) {
    out.push('', paint(style, 'bold', 'TOPICS'));
    const rows = [['topic', 'partitions', 'messages', 'msg/s'].map((h) => paint(style, 'gray', h))];
    for (const t of s.topics) {
      const messages = t.partitions.reduce((n, p) => n + (p.highWatermark - p.logStartOffset), 0);
      rows.push([t.name, String(t.partitions.length), String(messages), rate(t.messagesPerSec)]);
    }
    out.push(...table(rows));
  }

  if (s.groups.length > 0) {
    out.push('', paint(style, 'bold', 'GROUPS'));
    const rows = [['group', 'state', 'members', 'lag'].map((h) => paint(style, 'gray', h))];
    for (const g of s.groups) {
      const lag = g.offsets.reduce((n, o) => n + o.lag, 0);
      rows.push([g.groupId, g.state, String(g.members.length), lag > 0 ? paint(style, 'yellow', String(lag)) : String(lag)]);
    }
    out.push(...table(rows));
  }

  // an older devmode's /state has no transactions
  const transactions = s.transactions ?? [];
  if (transactions.length > 0) {
    out.push('', paint(style, 'bold', 'TRANSACTIONS'));
    const rows = [['transactional id', 'producer', 'partitions', 'open for', 'times out in', 'offsets of'].map((h) => paint(style, 'gray', h))];
    for (const t of transactions) {
      const partitions = t.partitions.map((p) => `${p.topic}[${p.partition}]${p.firstOffset === null ? '' : `@${p.firstOffset}`}`).join(' ');
      const age = Math.max(0, now - t.startedAt);
      rows.push([t.transactionalId, `${t.producerId}/${t.epoch}`, partitions || '-', seconds(age), paint(style, 'yellow', seconds(Math.max(0, t.timeoutMs - age))), t.groups.join(' ') || '-']);
    }
    out.push(...table(rows));
  }

  if (s.faults.length > 0) {
    out.push('', paint(style, 'bold', 'FAULTS'));
    const rows = [['id', 'caller -> callee', 'path', 'action', 'percent', 'hits'].map((h) => paint(style, 'gray', h))];
    for (const f of s.faults) rows.push([f.id, `${f.caller} -> ${f.callee}`, f.methods.length > 0 ? `${f.methods.join(',')} ${f.path}` : f.path, paint(style, 'yellow', f.action), `${f.percent}%`, String(f.hits)]);
    out.push(...table(rows));
  }
  return out.join('\n') + '\n';
}

function stateText(style: Style, state: string): string {
  const color = state === 'ready' ? 'green' : state === 'exited' || state === 'crash-loop' ? 'red' : state === 'backoff' ? 'yellow' : 'gray';
  return paint(style, color, state);
}

function rate(perSec: number): string {
  return perSec >= 10 ? perSec.toFixed(0) : perSec.toFixed(1);
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.01 ? 1 : 0)}%`;
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 10_000 ? 1 : 0)} s`;
}

function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}
