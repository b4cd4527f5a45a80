import { performance } from 'node:perf_hooks';
import type { DevmodeEvent, Endpoint } from '../core/events/index.js';

/** What the gateway and the mesh know of one finished HTTP call. */
export interface ExchangeFacts {
  id: string;
  caller: Endpoint;
  callee: Endpoint;
  method: string;
  path: string;
  /** performance.now() when the request came */
  started: number;
  traceparent: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  /** set when devmode answered itself or the call was cut */
  error: string | undefined;
  /** the fault rule's label, when one changed the call */
  fault: string | undefined;
}

/** The `http.exchange` event for a call: one shape for the gateway's and the mesh's. */
export function exchangeEvent(x: ExchangeFacts): DevmodeEvent {
  return {
    type: 'http.exchange',
    id: x.id,
    caller: x.caller,
    callee: x.callee,
    method: x.method,
    path: x.path,
    status: x.status,
    durationMs: performance.now() - x.started,
    requestBytes: x.requestBytes,
    responseBytes: x.responseBytes,
    ...(x.error ? { error: x.error } : {}),
    traceparent: x.traceparent,
    ...(x.fault ? { fault: x.fault } : {}),
    ts: Date.now(),
  };
}
