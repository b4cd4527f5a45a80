import type { DevmodeEvent } from '../core/events/index.js';
import type { NumberedEvent } from '../core/store/index.js';
import type { Cursor } from './cursor.js';

/** One recorded call between two parties: an HTTP exchange or a WebSocket opened. */
export interface Call {
  kind: 'http' | 'ws';
  /** the caller: a service, 'gateway' for outside clients, 'test' for the test's own calls through the mesh */
  from: string;
  fromInstance: number | null;
  to: string;
  toInstance: number | null;
  /** 'WS' for a WebSocket */
  method: string;
  path: string;
  /** 0 for an aborted or dropped call; 101 for a WebSocket opened */
  status: number;
  durationMs: number | null;
  /** set when devmode answered itself (no route, service down, fault) */
  error: string | null;
  /** the fault rule that changed it, as its label says */
  fault: string | null;
  ts: number;
  /** the Store's event seq */
  seq: number;
}

/** What a call must be; every field given must match. */
export interface CallMatch {
  from?: string;
  to?: string;
  /** upper case; 'WS' for WebSockets */
  method?: string;
  /** the path without its query: a string is exact (`*` one segment, `**` the rest), a RegExp tests it */
  path?: string | RegExp;
  status?: number | ((status: number) => boolean);
  kind?: 'http' | 'ws';
}

/** The calls in a Store's history after the cursor, oldest first. */
export function callsIn(history: readonly NumberedEvent[], after: Cursor): Call[] {
  const out: Call[] = [];
  for (const { seq, event } of history) {
    if (seq <= after.seq || event.ts < after.ts) continue;
    const call = toCall(event, seq);
    if (call) out.push(call);
  }
  return out;
}

function toCall(event: DevmodeEvent, seq: number): Call | undefined {
  if (event.type === 'http.exchange') {
    return {
      kind: 'http',
      from: event.caller.service,
      fromInstance: event.caller.instance,
      to: event.callee.service,
      toInstance: event.callee.instance,
      method: event.method,
      path: event.path,
      status: event.status,
      durationMs: event.durationMs,
      error: event.error ?? null,
      fault: event.fault ?? null,
      ts: event.ts,
      seq,
    };
  }
  if (event.type === 'ws.opened') {
    return { kind: 'ws', from: event.caller.service, fromInstance: event.caller.instance, to: event.callee.service, toInstance: event.callee.instance, method: 'WS', path: event.path, status: 101, durationMs: null, error: null, fault: null, ts: event.ts, seq };
  }
  return undefined;
}

/** Each field of `match` that `call` does not meet, said as "status 503, wanted 200". */
export function callDifferences(call: Call, match: CallMatch): string[] {
  const out: string[] = [];
  if (match.kind !== undefined && call.kind !== match.kind) out.push(`a ${call.kind} call, wanted ${match.kind}`);
  if (match.from !== undefined && call.from !== match.from) out.push(`from ${call.from}, wanted ${match.from}`);
  if (match.to !== undefined && call.to !== match.to) out.push(`to ${call.to}, wanted ${match.to}`);
  if (match.method !== undefined && call.method !== match.method.toUpperCase()) out.push(`method ${call.method}, wanted ${match.method.toUpperCase()}`);
  if (match.path !== undefined && !pathMatches(call.path, match.path)) out.push(`path ${call.path}, wanted ${String(match.path)}`);
  if (match.status !== undefined) {
    const ok = typeof match.status === 'function' ? match.status(call.status) : call.status === match.status;
    if (!ok) out.push(`status ${call.status}, wanted ${typeof match.status === 'function' ? 'one the predicate accepts' : match.status}`);
  }
  return out;
}

export function callMatches(call: Call, match: CallMatch): boolean {
  return callDifferences(call, match).length === 0;
}

/** `GET /api/users/7 from shipping.0 to user.1: 200 in 3 ms` */
export function describeCall(call: Call): string {
  const end = (service: string, instance: number | null) => (instance === null ? service : `${service}.${instance}`);
  const took = call.durationMs === null ? '' : ` in ${Math.round(call.durationMs)} ms`;
  const extra = [call.fault ? `fault ${call.fault}` : '', call.error ? `devmode: ${call.error}` : ''].filter(Boolean).join('; ');
  return `${call.method} ${call.path} from ${end(call.from, call.fromInstance)} to ${end(call.to, call.toInstance)}: ${call.status}${took}${extra ? ` (${extra})` : ''}`;
}

/** `{from: 'shipping', to: 'user', status: 200}` */
export function describeCallMatch(match: CallMatch): string {
  const parts = Object.entries(match)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'function' ? 'a predicate' : v instanceof RegExp ? String(v) : JSON.stringify(v)}`);
  return parts.length === 0 ? 'any call' : `{${parts.join(', ')}}`;
}

function pathMatches(path: string, pattern: string | RegExp): boolean {
  const bare = path.split('?')[0] ?? path;
  if (pattern instanceof RegExp) return pattern.test(bare);
  if (!pattern.includes('*')) return bare === pattern;
  const source = pattern
    .split('/')
    .map((segment) => (segment === '**' ? '.*' : segment === '*' ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`).test(bare);
}
