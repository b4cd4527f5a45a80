/** HTTP and WebSocket traffic through the gateway and the mesh. Owned by gateway/ and mesh/. */
export interface Endpoint {
  service: string;
  instance: number | null;
}

/**
 * The callee of a request the gateway could not route (no route, a method not routed, a
 * path above the root): views show such requests as unrouted, not as a service's errors.
 */
export const UNROUTED = '(unrouted)';

/** The W3C trace id of a traceparent (`00-<trace id>-<span id>-<flags>`), or null. */
export function traceIdOf(traceparent: string | undefined): string | null {
  return traceparent !== undefined && traceparent.length >= 55 && traceparent[2] === '-' && traceparent[35] === '-' ? traceparent.slice(3, 35) : null;
}

export type TrafficEvent =
  /** One completed HTTP exchange. `caller.service` is 'gateway' for outside calls. */
  | {
      type: 'http.exchange';
      id: string;
      caller: Endpoint;
      callee: Endpoint;
      method: string;
      path: string;
      status: number;
      durationMs: number;
      requestBytes: number;
      responseBytes: number;
      /** set when devmode answered itself (no route, service down, fault) */
      error?: string;
      traceparent?: string;
      /**
       * the fault rule that changed this call and what it did ("slow-user: delay 120 ms");
       * an abort or drop has no response: status 0
       */
      fault?: string;
      ts: number;
    }
  | { type: 'ws.opened'; id: string; caller: Endpoint; callee: Endpoint; path: string; ts: number }
  /**
   * A WebSocket connection ended. `In` is caller to callee, `Out` the reverse. Frames are
   * data frames (text, binary, continuation; control frames not counted); messages are
   * complete data messages (a fragmented message is several frames, one message). `code`
   * is the first close frame's status (1005: none in it), null when none passed.
   */
  | {
      type: 'ws.closed';
      id: string;
      framesIn: number;
      framesOut: number;
      bytesIn: number;
      bytesOut: number;
      code: number | null;
      messagesIn?: number;
      messagesOut?: number;
      /** frame events (ws.frame) not published for this connection because of the rate limit */
      framesDropped?: number;
      ts: number;
    }
  /**
   * One frame of a WebSocket connection whose edge has capture switched on (frames on
   * demand, mesh only). `preview` is the start of the unmasked payload: UTF-8 text for
   * text frames (and their continuations) and a close frame's reason, hex otherwise
   * (also for compressed frames). At most a few per second per connection are published;
   * `dropped` counts those left out since the previous ws.frame of the connection.
   */
  | {
      type: 'ws.frame';
      /** the connection: the id of its ws.opened */
      id: string;
      caller: Endpoint;
      callee: Endpoint;
      direction: 'in' | 'out';
      opcode: 'text' | 'binary' | 'continuation' | 'close' | 'ping' | 'pong';
      fin: boolean;
      /** payload bytes */
      size: number;
      preview: string;
      encoding: 'utf8' | 'hex';
      /** the preview is shorter than the payload */
      truncated: boolean;
      /** permessage-deflate: the preview shows compressed bytes */
      compressed?: boolean;
      /** close frames: the status code */
      code?: number;
      dropped: number;
      ts: number;
    };
