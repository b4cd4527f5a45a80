import type { DevmodeEvent } from '../events/index.js';
import { Ring } from './ring.js';
import { Series } from './series.js';
import type { TrafficSource } from './sources.js';
import type { EdgeTraffic, RingView, RouteTraffic, TapEntry, TrafficView } from './snapshot.js';

/** Series keys kept (edges and routes); later ones get no sparkline. */
const MAX_SERIES = 2048;

/**
 * The traffic a view shows: the tap of recent exchanges (a ring) and per-bucket series per
 * edge and route for sparklines, folded from http.exchange and ws.opened; joined with the
 * figures the mesh computes (rates, errors, percentiles) when read.
 */
export class TrafficFold {
  readonly #tap: Ring<TapEntry>;
  readonly #series = new Map<string, Series>();
  readonly #buckets: number;
  readonly #bucketMs: number;
  readonly #empty: Series;

  constructor(limits: { tap: number; seriesBuckets: number; seriesBucketMs: number }) {
    this.#tap = new Ring(limits.tap);
    this.#buckets = limits.seriesBuckets;
    this.#bucketMs = limits.seriesBucketMs;
    this.#empty = new Series(this.#buckets, this.#bucketMs);
  }

  /** Folds one event; returns whether it was traffic. */
  fold(event: DevmodeEvent, seq: number, now: number, routeOf: ((path: string) => string) | undefined): boolean {
    if (event.type === 'http.exchange') {
      this.#tap.push(
        Object.freeze({
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
        } satisfies TapEntry),
      );
      this.#count(event.caller.service, event.callee.service, event.method, event.path, event.status >= 500 || event.error !== undefined, now, routeOf);
      return true;
    }
    if (event.type === 'ws.opened') {
      this.#tap.push(
        Object.freeze({
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
        } satisfies TapEntry),
      );
      this.#count(event.caller.service, event.callee.service, 'WS', event.path, false, now, routeOf);
      return true;
    }
    return false;
  }

  tap(): RingView<TapEntry> {
    return this.#tap.view();
  }

  /** The source's figures with a series each (the source's own, as a remote one has, or ours). */
  read(source: TrafficSource, now: number): TrafficView {
    const edges: EdgeTraffic[] = source.edges().map((e) => Object.freeze({ ...e, series: e.series ?? (this.#series.get(`${e.caller}\u0000${e.callee}`) ?? this.#empty).view(now) }));
    const routes: RouteTraffic[] = source.routes().map((r) =>
      Object.freeze({ ...r, series: r.series ?? (this.#series.get(`${r.caller}\u0000${r.callee}\u0000${r.method}\u0000${r.route}`) ?? this.#empty).view(now) }),
    );
    return { windowSec: source.windowSec, edges, routes };
  }

  /** Replaces the tap with a snapshot's; series start over (a remote Store takes its source's). */
  seed(tap: RingView<TapEntry>): void {
    this.#tap.clear();
    this.#series.clear();
    this.#tap.addDropped(tap.dropped);
    for (const e of tap.items) this.#tap.push(e);
  }

  #count(caller: string, callee: string, method: string, path: string, error: boolean, now: number, routeOf: ((path: string) => string) | undefined): void {
    this.#seriesOf(`${caller}\u0000${callee}`)?.record(now, error);
    if (routeOf) this.#seriesOf(`${caller}\u0000${callee}\u0000${method}\u0000${routeOf(path)}`)?.record(now, error);
  }

  #seriesOf(key: string): Series | undefined {
    let series = this.#series.get(key);
    if (!series && this.#series.size < MAX_SERIES) this.#series.set(key, (series = new Series(this.#buckets, this.#bucketMs)));
    return series;
  }
}

/** The W3C trace id of a traceparent (`00-<trace id>-<span id>-<flags>`), or null. */
function traceIdOf(traceparent: string | undefined): string | null {
  if (!traceparent) return null;
  const id = traceparent.split('-')[1];
  return id && id.length === 32 ? id : null;
}
