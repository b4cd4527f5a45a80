import type { EdgeStatsView, RouteStatsView } from '../../core/contracts.js';
import { UNROUTED, type DevmodeEvent } from '../../core/events/index.js';
import { routeOf } from './route-key.js';
import { SlidingWindow } from './sliding-window.js';

export interface TrafficStatsOptions {
  /** clock in ms (default Date.now); injectable for tests */
  now?: () => number;
  /** window length in seconds (default 60) */
  windowSec?: number;
  /** distinct routes kept per edge; later ones count under route 'other' (method '*') (default 24) */
  maxRoutesPerEdge?: number;
  /** distinct caller->callee edges kept; later ones are not counted (default 256) */
  maxEdges?: number;
}

interface EdgeStats {
  caller: string;
  callee: string;
  window: SlidingWindow;
  routes: Map<string, { method: string; route: string; window: SlidingWindow }>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', 'WS']);

/**
 * Per edge (caller service -> callee service) and per route (method + path with ids
 * collapsed): request rate, error rate and latency percentiles over a sliding window.
 * An error is a 5xx or an exchange devmode answered itself (service down, fault); a 4xx is
 * the callee's answer, not an error. Memory is bounded: fixed histograms, a capped number
 * of routes per edge (overflow counts as route 'other') and of edges.
 */
const MAX_REMEMBERED_PATHS = 4096;

export class TrafficStats {
  readonly #now: () => number;
  readonly #windowSec: number;
  readonly #maxRoutes: number;
  readonly #maxEdges: number;
  readonly #edges = new Map<string, EdgeStats>();
  /** path -> route: routeOf costs regex passes per segment, and the same paths come again and again */
  readonly #routes = new Map<string, string>();

  constructor(options: TrafficStatsOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#windowSec = options.windowSec ?? 60;
    this.#maxRoutes = options.maxRoutesPerEdge ?? 24;
    this.#maxEdges = options.maxEdges ?? 256;
  }

  /** Feeds one event; all but http.exchange and ws.opened are ignored (so it can take the whole Bus). */
  observe(event: DevmodeEvent): void {
    if (event.type === 'http.exchange') {
      // An unrouted request is answered rightly (404, 405, 400): the client's mistake, not an error.
      const error = event.callee.service !== UNROUTED && (event.status >= 500 || event.error !== undefined);
      this.record(event.caller.service, event.callee.service, event.method, event.path, event.durationMs, error);
    } else if (event.type === 'ws.opened') {
      this.record(event.caller.service, event.callee.service, 'WS', event.path, null, false);
    }
  }

  /** Counts one exchange; `durationMs` null for one without a latency (a WebSocket opened). */
  record(caller: string, callee: string, method: string, path: string, durationMs: number | null, error: boolean): void {
    const edge = this.#edge(caller, callee);
    if (!edge) return;
    const now = this.#now();
    edge.window.record(now, durationMs, error);
    const m = METHODS.has(method) ? method : 'OTHER';
    let collapsed = this.#routes.get(path);
    if (collapsed === undefined) {
      // Bounded: a service with endless distinct paths (ids in them) starts the memo over.
      if (this.#routes.size >= MAX_REMEMBERED_PATHS) this.#routes.clear();
      this.#routes.set(path, (collapsed = routeOf(path)));
    }
    let key = `${m} ${collapsed}`;
    let route = edge.routes.get(key);
    if (!route) {
      if (edge.routes.size >= this.#maxRoutes) {
        key = 'OTHER other';
        route = edge.routes.get(key);
      }
      if (!route) {
        route = key === 'OTHER other' ? { method: '*', route: 'other', window: new SlidingWindow(this.#windowSec) } : { method: m, route: collapsed, window: new SlidingWindow(this.#windowSec) };
        edge.routes.set(key, route);
      }
    }
    route.window.record(now, durationMs, error);
  }

  /** Every edge seen, busiest first. */
  edges(): EdgeStatsView[] {
    const now = this.#now();
    return [...this.#edges.values()]
      .map((e) => ({ caller: e.caller, callee: e.callee, ...e.window.snapshot(now) }))
      .sort((a, b) => b.requests - a.requests || a.caller.localeCompare(b.caller) || a.callee.localeCompare(b.callee));
  }

  /** Every route of every edge, busiest first. */
  routes(): RouteStatsView[] {
    const now = this.#now();
    const out: RouteStatsView[] = [];
    for (const e of this.#edges.values()) {
      for (const r of e.routes.values()) out.push({ caller: e.caller, callee: e.callee, method: r.method, route: r.route, ...r.window.snapshot(now) });
    }
    return out.sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route));
  }

  /** Bytes held by the counters (grows only with new edges and routes, up to the caps). */
  get footprintBytes(): number {
    let bytes = 0;
    for (const e of this.#edges.values()) {
      bytes += e.window.footprintBytes;
      for (const r of e.routes.values()) bytes += r.window.footprintBytes;
    }
    return bytes;
  }

  #edge(caller: string, callee: string): EdgeStats | undefined {
    const key = `${caller}\u0000${callee}`;
    let edge = this.#edges.get(key);
    if (!edge && this.#edges.size < this.#maxEdges) {
      edge = { caller, callee, window: new SlidingWindow(this.#windowSec), routes: new Map() };
      this.#edges.set(key, edge);
    }
    return edge;
  }
}
