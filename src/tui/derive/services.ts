import type { InstanceView, ServiceView, StoreSnapshot } from '../../core/store/index.js';
import { bytes, duration, fit, latency, right } from '../text/format.js';
import { exactly, seg, selected, type Row } from '../text/row.js';
import { lookOf } from '../text/state-style.js';
import { safeLine } from '../text/sanitize.js';
import { clip } from './header.js';

/** One selectable row of the Services view: an instance of a service. */
export interface ServiceRow {
  service: ServiceView;
  instance: InstanceView;
}

export function serviceRows(s: StoreSnapshot): ServiceRow[] {
  return s.services.flatMap((service) => service.instances.map((instance) => ({ service, instance })));
}

const COLS = `  ${'SERVICE'.padEnd(13)}${'STATE'.padEnd(15)}${'PID'.padStart(6)} ${'PORT'.padStart(5)} ${'UP'.padStart(6)} RST ${'LAST RELOAD'.padEnd(13)}${'CPU'.padStart(5)} ${'MEM'.padStart(5)}`;

/** The table (virtualised around the selection), then the selected service's details below it. */
export function servicesBody(s: StoreSnapshot, selectedIndex: number, width: number, height: number, now: number): Row[] {
  const rows = serviceRows(s);
  const tableHeight = Math.max(3, Math.min(rows.length + 1, Math.ceil(height * 0.55)));
  const visible = tableHeight - 1;
  const first = Math.max(0, Math.min(selectedIndex - visible + 1, rows.length - visible));
  const out: Row[] = [[seg(fit(COLS, width), { bold: true, dim: true })]];
  rows.slice(first, first + visible).forEach((r, i) => {
    const line = clip(instanceRow(r, now, width), width);
    out.push(first + i === selectedIndex ? selected(padRow(line, width)) : line);
  });
  const current = rows[selectedIndex];
  if (rows.length === 0) out.push([seg('  no services yet', { color: 'gray' })]);
  const detail = current ? detailRows(s, current, width, now) : [];
  return exactly([...exactly(out, tableHeight), ...detail.slice(0, height - tableHeight)], height);
}

function instanceRow({ service, instance: i }: ServiceRow, now: number, width: number): Row {
  const look = lookOf(service, i);
  const name = service.instances.length > 1 ? i.key : service.name;
  const reload = service.lastReload;
  const reloadText = !reload ? '-' : reload.outcome === 'running' ? 'now' : `${duration(now - reload.startedAt)} ago${reload.outcome === 'finished' && reload.ms !== null ? ` ${latency(reload.ms)}` : reload.outcome === 'finished' ? '' : ' ✖'}`;
  const row: Row = [
    seg('  '),
    seg(fit(name, 12) + ' ', { color: 'white', bold: true }),
    seg(fit(`${look.symbol} ${look.word}`, 14) + ' ', { color: look.color, bold: look.color === 'red' }),
    seg(right(i.pid === null ? '-' : String(i.pid), 6) + ' '),
    seg(right(i.port === null ? '-' : String(i.port), 5) + ' '),
    seg(right(i.upSince === null ? '-' : duration(now - i.upSince), 6) + ' '),
    seg(right(String(i.restarts), 3) + ' ', { color: i.restarts > 0 ? 'yellow' : undefined }),
    seg(fit(reloadText, 12) + ' ', { color: reload?.outcome === 'failed' || reload?.outcome === 'build-failed' ? 'red' : undefined }),
    seg(right(i.cpuPercent === null ? '-' : `${i.cpuPercent.toFixed(i.cpuPercent < 10 ? 1 : 0)}%`, 5) + ' '),
    seg(right(bytes(i.rssBytes), 5)),
  ];
  const extra = i.why ?? (service.kind === 'unmanaged' ? `unmanaged ${service.url ?? ''}` : i.url ?? '');
  return width > 100 && extra ? [...row, seg('  ' + extra, { color: i.why ? look.color : 'gray' })] : row;
}

function padRow(row: Row, width: number): Row {
  const len = row.reduce((n, s) => n + s.text.length, 0);
  return len >= width ? row : [...row, seg(' '.repeat(width - len))];
}

/** Why it is not ready, its last exit and reload, a failed build's output in full (as much as fits; the pager has it all), its last lines. */
function detailRows(s: StoreSnapshot, { service, instance: i }: ServiceRow, width: number, now: number): Row[] {
  const look = lookOf(service, i);
  const out: Row[] = [[seg('')], [seg(` ${i.key} `, { bold: true, inverse: true }), seg(` ${look.symbol} ${look.word}`, { color: look.color }), seg(i.url ? `  ${i.url}` : '', { color: 'gray' })]];
  if (i.why) out.push([seg('  why: ', { color: 'gray' }), seg(safeLine(i.why, width), { color: look.color })]);
  if (i.restartInMs !== null) out.push([seg(`  restarting in ${duration(i.restartInMs)}`, { color: 'yellow' })]);
  if (i.lastExit) out.push([seg(`  last exit: ${i.lastExit.signal ? `signal ${i.lastExit.signal}` : `code ${i.lastExit.code}`}${i.lastExit.requested ? ' (asked by devmode)' : ''}, ${duration(now - i.lastExit.ts)} ago`, { color: 'gray' })]);
  const r = service.lastReload;
  if (r) {
    const what = r.outcome === 'running' ? (service.activity === 'building' ? 'building now' : 'reloading now') : r.outcome === 'finished' ? `reloaded in ${Math.round(r.ms ?? 0)} ms` : r.outcome === 'build-failed' ? 'build failed; the previous version keeps serving' : `reload failed: ${r.reason ?? ''}`;
    out.push([seg(`  last reload: ${what} (${r.trigger}${r.files > 1 ? ` +${r.files - 1} files` : ''}, ${duration(now - r.startedAt)} ago)`, { color: r.outcome === 'finished' ? 'gray' : r.outcome === 'running' ? 'cyan' : 'red' })]);
    if (r.buildOutput) for (const l of r.buildOutput.trimEnd().split('\n')) out.push([seg('  │ ', { color: 'red' }), seg(safeLine(l, width - 4))]);
  }
  const ring = s.logs.byInstance[i.key];
  if (ring && ring.items.length > 0) {
    out.push([seg('  last lines:', { color: 'gray' })]);
    for (const l of ring.items.slice(-6)) out.push([seg('  '), seg(safeLine(l.text, width - 2), l.stream === 'stderr' ? { color: 'red' } : {})]);
  }
  return out;
}
