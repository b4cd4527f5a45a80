/** Events about devmode itself: start-up progress, warnings, the whole system's readiness. */
export type SystemEvent =
  /** Something worth a line that is not tied to one instance (a route overlap, the broker mode chosen). */
  | { type: 'system.notice'; level: 'info' | 'warn' | 'error'; source: string; message: string; ts: number }
  /** Every managed service has its instances ready. */
  | {
      type: 'system.ready';
      gatewayUrl: string;
      ms: number;
      /**
       * devmode's own part of the start, before the first service is started: choosing the
       * ports, then opening every listener (gateway, locator, admin, broker, mesh edges);
       * `edges` is how many listeners the mesh holds
       */
      setup?: { portsMs: number; listenersMs: number; edges: number };
      ts: number;
    }
  /** devmode is shutting down (why: signal name, 'error', 'done'). */
  | { type: 'system.stopping'; reason: string; ts: number };
