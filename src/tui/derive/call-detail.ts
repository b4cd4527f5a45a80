import { CALL_HEADERS_KEPT, type CallHeadersView } from '../../core/contracts.js';
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

/** The captured exchange (mesh capture), as much of it as the detail shows (headers come from callHeaders, capture or not). */
export interface CapturedCall {
  requestBody: string;
  responseBody: string;
}

export interface CallLinks {
  messages: readonly TracedMessage[];
  /** the selected call's headers (capture or not); undefined: not read yet; null: no longer kept */
  headers?: CallHeadersView | null | undefined;
  /** undefined: capture is off for this edge; null: captured nothing for this call */
  captured: CapturedCall | null | undefined;
}

/** Log lines within this window around a call are "around it". */
const AROUND_MS = 1000;

/** What a selected call shows: itself, the calls and messages of its trace, its headers (always), its bodies when captured, both services' lines around it. */
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
  const h = links.headers;
  const header = (k: string, v: string): Row => [seg(`    ${k}: `, { color: 'gray' }), seg(safeLine(v, Math.max(8, width - k.length - 6)))];
  if (h === undefined) rows.push([seg('  headers: reading…', { color: 'gray' })]);
  else if (h === null) rows.push([seg(`  headers: no longer kept (devmode keeps the last ${CALL_HEADERS_KEPT} calls' headers)`, { color: 'gray' })]);
  else {
    rows.push([seg('  request headers', { bold: true })]);
    for (const [k, v] of h.request) rows.push(header(k, v));
    if (h.response) {
      rows.push([seg('  response ', { bold: true }), seg(safeLine(h.response.statusLine, width - 12), { bold: true })]);
      for (const [k, v] of h.response.headers) rows.push(header(k, v));
    } else rows.push([seg('  response headers: none kept (no answer was sent, or devmode answered itself)', { color: 'gray' })]);
  }
  if (links.captured === undefined) rows.push([seg('  bodies: not captured (c: capture this edge)', { color: 'gray' })]);
  else if (links.captured === null) rows.push([seg('  bodies: capture is on; this call was not captured', { color: 'gray' })]);
  else {
    const c = links.captured;
    rows.push([seg('  request body ', { bold: true }), seg(c.requestBody ? safeLine(c.requestBody, width - 16) : '(empty)', c.requestBody ? {} : { color: 'gray' })]);
    rows.push([seg('  response body ', { bold: true }), seg(c.responseBody ? safeLine(c.responseBody, width - 17) : '(empty)', c.responseBody ? {} : { color: 'gray' })]);
  }
  const services = new Set([t.caller.service, t.callee.service]);
  const around = s.logs.merged.items.filter((l) => services.has(l.service) && Math.abs(l.ts - t.ts) <= AROUND_MS).slice(-8);
  if (around.length > 0) {
    rows.push([seg(`  log lines around it (±${AROUND_MS / 1000}s)`, { bold: true })]);
    for (const l of around) rows.push([seg(`    ${l.service}.${l.instance} `, { color: 'gray' }), seg(safeLine(l.text, width - 20))]);
  }
  return rows;
}
