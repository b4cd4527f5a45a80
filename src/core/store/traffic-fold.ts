import { traceIdOf, type EventOf } from '../events/index.js';
import { Ring } from './ring.js';
import { Series } from './series.js';
import type { TrafficSource } from './sources.js';
import type { EdgeTraffic, NumberedEvent, RingView, RouteTraffic, TapEntry, TrafficView } from './snapshot.js';

/** Series kept (edges and routes); later ones get no sparkline. */
const MAX_SERIES = 2048;

/** An edge's series and its routes' (method -> route -> series): nested maps, no key strings built per event. */
interface EdgeSeries {
  series: Series;
  routes: Map<string, Map<string, Series>>;
}

/**
 * The traffic a view shows: the tap of recent exchanges (a ring) and per-bucket series per
 * edge and route for sparklines, folded from http.exchange and ws.opened; joined with the
 * figures the mesh computes (rates, errors, percentiles) when read.
 */
export class TrafficFold {
  /**
   * The exchanges as they came (the event itself, which the history holds anyway); each
   * becomes its frozen TapEntry when a view first asks. A copy per call made on the hot
   * path lived seconds in the ring: that is what makes a young-generation GC slow.
   */
  readonly #tap: Ring<TapEntry | RawTap>;
  /** how many of the newest tap slots are still raw events */
  #unsettled = 0;
  /** caller -> callee -> series */
  readonly #series = new Map<string, Map<string, EdgeSeries>>();
  #seriesCount = 0;
  readonly #buckets: number;
  readonly #bucketMs: number;
  readonly #empty: Series;
  /** path -> route, as routeOf says (it costs a regex pass; the same paths come again and again) */
  readonly #routes = new Map<string, string>();

  constructor(limits: { tap: number; seriesBuckets: number; seriesBucketMs: number }) {
    this.#tap = new Ring(limits.tap);
    this.#buckets = limits.seriesBuckets;
    this.#bucketMs = limits.seriesBucketMs;
    this.#empty = new Series(this.#buckets, this.#bucketMs);
  }

  /** Folds one event; returns whether it was traffic. */
  fold(numbered: NumberedEvent, now: number, routeOf: ((path: string) => string) | undefined): boolean {
    const event = numbered.event;
    if (event.type === 'http.exchange') {
      this.#keep(numbered as RawTap);
      this.#count(event.caller.service, event.callee.service, event.method, event.path, event.status >= 500 || event.error !== undefined, now, routeOf);
      return true;
    }
    if (event.type === 'ws.opened') {
      this.#keep(numbered as RawTap);
      this.#count(event.caller.service, event.callee.service, 'WS', event.path, false, now, routeOf);
      return true;
    }
    return false;
  }

  tap(): RingView<TapEntry> {
    if (this.#unsettled > 0) {
      this.#tap.settleNewest(this.#unsettled, (slot) => ('event' in slot ? tapEntry(slot.seq, slot.event) : slot));
      this.#unsettled = 0;
    }
    return this.#tap.view() as RingView<TapEntry>;
  }

  /** The source's figures with a series each (the source's own, as a remote one has, or ours). */
  read(source: TrafficSource, now: number): TrafficView {
    const edges: EdgeTraffic[] = source.edges().map((e) => Object.freeze({ ...e, series: e.series ?? (this.#edge(e.caller, e.callee)?.series ?? this.#empty).view(now) }));
    const routes: RouteTraffic[] = source.routes().map((r) =>
      Object.freeze({ ...r, series: r.series ?? (this.#edge(r.caller, r.callee)?.routes.get(r.method)?.get(r.route) ?? this.#empty).view(now) }),
    );
    return { windowSec: source.windowSec, edges, routes };
  }

  /** Counts calls the tap never saw (sampled out by the admin API): `tap.total` stays every call. */
  skipped(count: number): void {
    this.#tap.addDropped(count);
  }

  /** Replaces the tap with a snapshot's; series start over (a remote Store takes its source's). */
  seed(tap: RingView<TapEntry>): void {
    this.#tap.clear();
    this.#series.clear();
    this.#seriesCount = 0;
    this.#tap.addDropped(tap.dropped);
    for (const e of tap.items) this.#tap.push(e);
    this.#unsettled = 0;
  }

  /** Keeps the history's own { seq, event } object: nothing is allocated per exchange. */
  #keep(slot: RawTap): void {
    this.#tap.push(slot);
    this.#unsettled = Math.min(this.#unsettled + 1, this.#tap.size);
  }

  #count(caller: string, callee: string, method: string, path: string, error: boolean, now: number, routeOf: ((path: string) => string) | undefined): void {
    const edge = this.#edge(caller, callee, true);
    if (!edge) return;
    edge.series.record(now, error);
    if (!routeOf) return;
    let route = this.#routes.get(path);
    if (route === undefined) {
      if (this.#routes.size >= 4096) this.#routes.clear();
      this.#routes.set(path, (route = routeOf(path)));
    }
    let byRoute = edge.routes.get(method);
    if (!byRoute) edge.routes.set(method, (byRoute = new Map()));
    let series = byRoute.get(route);
    if (!series && this.#seriesCount < MAX_SERIES) {
      byRoute.set(route, (series = new Series(this.#buckets, this.#bucketMs)));
      this.#seriesCount++;
    }
    series?.record(now, error);
  }

  #edge(caller: string, callee: string, create = false): EdgeSeries | undefined {
    let byCallee = this.#series.get(caller);
    let edge = byCallee?.get(callee);
    if (edge || !create || this.#seriesCount >= MAX_SERIES) return edge;
    if (!byCallee) this.#series.set(caller, (byCallee = new Map()));
    byCallee.set(callee, (edge = { series: new Series(this.#buckets, this.#bucketMs), routes: new Map() }));
    this.#seriesCount++;
    return edge;
  }
}

/** A tap slot not yet made a TapEntry. */
interface RawTap {
  readonly seq: number;
  readonly event: EventOf<'http.exchange'> | EventOf<'ws.opened'>;
}

function tapEntry(seq: number, event: RawTap['event']): TapEntry {
  if (event.type === 'ws.opened') {
    return Object.freeze({
      seq,
      id: event.id,
      ts: event.ts,
      kind: 'ws',
      caller: event.caller,
      callee: event.callee,
      method: 'WS',
      path: event.path,
      status: 101,
      durationMs: null,
      requestBytes: 0,
      responseBytes: 0,
      error: null,
      fault: null,
      traceId: null,
    });
  }
  return Object.freeze({
    seq,
    id: event.id,
    ts: event.ts,
    kind: 'http',
    caller: event.caller,
    callee: event.callee,
    method: event.method,
    path: event.path,
    status: event.status,
    durationMs: event.durationMs,
    requestBytes: event.requestBytes,
    responseBytes: event.responseBytes,
    error: event.error ?? null,
    fault: event.fault ?? null,
    traceId: traceIdOf(event.traceparent),
  });
}
