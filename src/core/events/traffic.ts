/** HTTP and WebSocket traffic through the gateway and the mesh. Owned by gateway/ and mesh/. */
export interface Endpoint {
  service: string;
  instance: number | null;
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
  | { type: 'ws.closed'; id: string; framesIn: number; framesOut: number; bytesIn: number; bytesOut: number; code: number | null; ts: number };
