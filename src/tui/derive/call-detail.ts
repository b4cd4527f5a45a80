import type { StoreSnapshot, TapEntry } from '../../core/store/index.js';
import { clock, latency } from '../text/format.js';
import { seg, type Row } from '../text/row.js';
import { safeLine } from '../text/sanitize.js';
import { endpointName } from './tap.js';

/** A message a service produced, known by the trace id it carried. */
export interface TracedMessage {
  traceId: string;
  topic: string;
  partition: number;
  offset: number;
  service: string | null;
  ts: number;
}

/** The captured exchange (mesh capture), as much of it as the detail shows. */
export interface CapturedCall {
  requestHeaders: Record<string, string | string[]>;
  responseHeaders: Record<string, string | string[]>;
  requestBody: string;
  responseBody: string;
}

export interface CallLinks {
  messages: readonly TracedMessage[];
  /** undefined: capture is off for this edge; null: captured nothing for this call */
  captured: CapturedCall | null | undefined;
}

/** Log lines within this window around a call are "around it". */
const AROUND_MS = 1000;

/** What a selected call shows: itself, the calls and messages of its trace, its headers and bodies when captured, both services' lines around it. */
export function callDetail(s: StoreSnapshot, t: TapEntry, links: CallLinks, width: number): Row[] {
  const rows: Row[] = [
    [seg(` ${t.method} ${t.path} `, { bold: true, inverse: true }), seg(`  ${endpointName(t.caller)} -> ${endpointName(t.callee)}  ${t.status || 'no answer'}  ${latency(t.durationMs)}  ${t.requestBytes}B/${t.responseBytes}B`)],
  ];
  if (t.error) rows.push([seg(`  devmode answered: ${t.error}`, { color: 'red' })]);
  if (t.fault) rows.push([seg(`  fault: ${t.fault}`, { color: 'yellow' })]);
  if (t.traceId) {
    const related = s.tap.items.filter((x) => x.traceId === t.traceId && x.seq !== t.seq);
    rows.push([seg(`  trace ${t.traceId}`, { color: 'gray' })]);
    for (const x of related) rows.push([seg(`    call ${clock(x.ts)} ${endpointName(x.caller)} -> ${endpointName(x.callee)} ${x.method} ${x.path} ${x.status}`, { color: 'cyan' })]);
    for (const m of links.messages.filter((m) => m.traceId === t.traceId)) rows.push([seg(`    message ${m.service ?? '?'} => ${m.topic}[${m.partition}] @${m.offset}`, { color: 'magenta' })]);
  } else rows.push([seg('  no trace id (no traceparent on this call)', { color: 'gray' })]);
  if (links.captured === undefined) rows.push([seg('  headers and bodies: not captured (c: capture this edge)', { color: 'gray' })]);
  else if (links.captured === null) rows.push([seg('  headers and bodies: capture is on; this call was not captured', { color: 'gray' })]);
  else {
    const c = links.captured;
    rows.push([seg('  request headers', { bold: true })]);
    for (const [k, v] of Object.entries(c.requestHeaders)) rows.push([seg(`    ${k}: ${safeLine(String(v), width - k.length - 6)}`, { color: 'gray' })]);
    if (c.requestBody) rows.push([seg('  request body ', { bold: true }), seg(safeLine(c.requestBody, width - 16))]);
    rows.push([seg('  response headers', { bold: true })]);
    for (const [k, v] of Object.entries(c.responseHeaders)) rows.push([seg(`    ${k}: ${safeLine(String(v), width - k.length - 6)}`, { color: 'gray' })]);
    if (c.responseBody) rows.push([seg('  response body ', { bold: true }), seg(safeLine(c.responseBody, width - 16))]);
  }
  const services = new Set([t.caller.service, t.callee.service]);
  const around = s.logs.merged.items.filter((l) => services.has(l.service) && Math.abs(l.ts - t.ts) <= AROUND_MS).slice(-8);
  if (around.length > 0) {
    rows.push([seg(`  log lines around it (±${AROUND_MS / 1000}s)`, { bold: true })]);
    for (const l of around) rows.push([seg(`    ${l.service}.${l.instance} `, { color: 'gray' }), seg(safeLine(l.text, width - 20))]);
  }
  return rows;
}
