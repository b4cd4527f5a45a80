/**
 * Snapshots made by hand, for component tests of views (and any view that needs a Store
 * without a system): fill what the test is about, the rest is empty and valid.
 */
import type { DevmodeEvent, EventOf, EventType } from '../events/index.js';
import type { BrokerView, EdgeTraffic, HeaderView, InstanceView, LogLine, NumberedEvent, RingView, ServiceView, StoreSnapshot, TapEntry, TapSampledView } from './snapshot.js';
import type { Store, WaitOptions } from './store.js';

export interface SnapshotDraft {
  version?: number;
  ts?: number;
  header?: Partial<HeaderView>;
  /** services; instances may be partial (see draftService) */
  services?: (Partial<Omit<ServiceView, 'instances'>> & { name: string; instances?: (Partial<InstanceView> & { instance?: number })[] })[];
  /** log lines; each goes to its instance's ring and to the merged ring (seq and ts filled when absent) */
  logs?: (Partial<LogLine> & { service: string; text: string })[];
  /** dropped counts to show, per ring key (`order.0`) or 'merged' */
  logsDropped?: Record<string, number>;
  events?: DevmodeEvent[];
  tap?: (Partial<TapEntry> & { path: string })[];
  /** calls the tap never saw (counted in tap.dropped) */
  tapDropped?: number;
  tapSampled?: TapSampledView | null;
  traffic?: Partial<StoreSnapshot['traffic']>;
  topology?: Partial<StoreSnapshot['topology']>;
  faults?: StoreSnapshot['faults'];
  broker?: Partial<BrokerView>;
}

const TS = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A complete, frozen snapshot from a draft. Deterministic: the clock is 2026-01-01 12:00 UTC unless given. */
export function prepareSnapshot(draft: SnapshotDraft = {}): StoreSnapshot {
  const ts = draft.ts ?? TS;
  const services: ServiceView[] = (draft.services ?? []).map((s) => ({
    name: s.name,
    kind: s.kind ?? 'managed',
    url: s.url ?? null,
    activity: s.activity ?? 'idle',
    lastReload: s.lastReload ?? null,
    instances: (s.instances ?? [{}]).map((i, index) => draftInstance(s.name, { instance: index, ...i })),
  }));
  const byInstance: Record<string, RingView<LogLine>> = {};
  const merged: LogLine[] = [];
  let seq = 0;
  for (const l of draft.logs ?? []) {
    const line: LogLine = { seq: l.seq ?? ++seq, ts: l.ts ?? ts, service: l.service, instance: l.instance ?? 0, stream: l.stream ?? 'stdout', text: l.text };
    seq = line.seq;
    const key = `${line.service}.${line.instance}`;
    const ring = (byInstance[key] ??= { items: [], dropped: draft.logsDropped?.[key] ?? 0, total: 0 });
    (ring.items as LogLine[]).push(line);
    merged.push(line);
  }
  for (const ring of Object.values(byInstance)) (ring as { total: number }).total = ring.dropped + ring.items.length;
  const events: NumberedEvent[] = (draft.events ?? []).map((event) => ({ seq: ++seq, event }));
  const tap: TapEntry[] = (draft.tap ?? []).map((t) => ({
    seq: t.seq ?? ++seq,
    id: t.id ?? `x${seq}`,
    ts: t.ts ?? ts,
    kind: t.kind ?? 'http',
    caller: t.caller ?? { service: 'gateway', instance: null },
    callee: t.callee ?? { service: 'order', instance: 0 },
    method: t.method ?? 'GET',
    path: t.path,
    status: t.status ?? 200,
    durationMs: t.durationMs === undefined ? 1 : t.durationMs,
    requestBytes: t.requestBytes ?? 0,
    responseBytes: t.responseBytes ?? 0,
    error: t.error ?? null,
    fault: t.fault ?? null,
    traceId: t.traceId ?? null,
  }));
  seq = Math.max(seq, ...tap.map((t) => t.seq));
  const managed = services.filter((s) => s.kind === 'managed').flatMap((s) => s.instances);
  const snapshot: StoreSnapshot = {
    version: draft.version ?? 1,
    ts,
    seq,
    header: {
      name: 'shop',
      gatewayUrl: 'http://127.0.0.1:9000',
      locatorUrl: 'http://127.0.0.1:9008',
      adminUrl: 'http://127.0.0.1:9009',
      ready: managed.filter((i) => i.state === 'ready').length,
      total: managed.length,
      requestsPerSec: 0,
      errors: 0,
      errorRate: 0,
      startedAt: ts - 60_000,
      systemReady: managed.length > 0 && managed.every((i) => i.state === 'ready'),
      stopping: false,
      remote: null,
      ...draft.header,
    },
    services,
    logs: { byInstance, merged: { items: merged, dropped: draft.logsDropped?.['merged'] ?? 0, total: (draft.logsDropped?.['merged'] ?? 0) + merged.length } },
    events: { items: events, dropped: 0, total: events.length },
    tap: { items: tap, dropped: draft.tapDropped ?? 0, total: (draft.tapDropped ?? 0) + tap.length },
    tapSampled: draft.tapSampled ?? null,
    traffic: { windowSec: 60, edges: [], routes: [], ...draft.traffic },
    topology: { observed: [], undeclared: [], unused: [], ...draft.topology },
    faults: draft.faults ?? [],
    broker: { mode: 'embedded', address: '127.0.0.1:9092', state: 'up', topics: [], groups: [], transactions: [], polledAt: ts, ...draft.broker },
  };
  return deepFreeze(snapshot);
}

/** A complete instance view: ready, pid and port made up from the instance number, unless given. */
export function draftInstance(service: string, i: Partial<InstanceView> & { instance?: number } = {}): InstanceView {
  const instance = i.instance ?? 0;
  const state = i.state ?? 'ready';
  const running = state !== 'waiting' && state !== 'stopped' && state !== 'exited';
  return {
    service,
    instance,
    key: `${service}.${instance}`,
    state,
    since: TS - 30_000,
    pid: running ? 40_000 + instance : null,
    port: 5000 + instance,
    url: `http://127.0.0.1:${5000 + instance}`,
    upSince: state === 'ready' ? TS - 30_000 : null,
    readyInMs: 120,
    restarts: 0,
    lastExit: null,
    why: null,
    restartInMs: null,
    cpuPercent: running ? 1.5 : null,
    rssBytes: running ? 48 * 1024 * 1024 : null,
    ...i,
  };
}

/**
 * A Store whose snapshot a test sets: `set()` replaces it (a new version) and notifies
 * subscribers as the real Store does. history() holds the snapshot's notable events.
 */
export class StaticStore implements Store {
  #snapshot: StoreSnapshot;
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners = new Set<(event: DevmodeEvent, seq: number) => void>();

  constructor(snapshot: StoreSnapshot | SnapshotDraft = {}) {
    this.#snapshot = isSnapshot(snapshot) ? snapshot : prepareSnapshot(snapshot);
  }

  get lastSeq(): number {
    return this.#snapshot.seq;
  }

  getSnapshot(): StoreSnapshot {
    return this.#snapshot;
  }

  /** Replaces the snapshot (its version made greater than the current one) and notifies subscribers. */
  set(next: StoreSnapshot | SnapshotDraft): StoreSnapshot {
    const version = this.#snapshot.version + 1;
    const made = isSnapshot(next) ? next : prepareSnapshot({ ...next, version });
    this.#snapshot = made.version > this.#snapshot.version ? made : deepFreeze({ ...made, version });
    for (const listener of [...this.#listeners]) listener();
    return this.#snapshot;
  }

  /** Delivers an event to onEvent listeners (what a live Store does for each folded event). */
  emit(event: DevmodeEvent): void {
    for (const listener of [...this.#eventListeners]) listener(event, this.lastSeq + 1);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onEvent(listener: (event: DevmodeEvent, seq: number) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  history(afterSeq = 0): readonly NumberedEvent[] {
    return this.#snapshot.events.items.filter((e) => e.seq > afterSeq);
  }

  async waitFor<T>(predicate: (snapshot: StoreSnapshot) => T | false | null | undefined, options: WaitOptions = {}): Promise<T> {
    const now = predicate(this.#snapshot);
    if (now) return now;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`${options.what ?? 'the awaited state'} did not come within ${options.timeout ?? 15_000} ms`));
      }, options.timeout ?? 15_000);
      const off = this.subscribe(() => {
        const result = predicate(this.#snapshot);
        if (!result) return;
        off();
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  async waitForEvent<T extends EventType>(type: T, match: (event: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
    const found = this.history().find((e) => e.event.type === type && match(e.event as EventOf<T>));
    if (found) return found.event as EventOf<T>;
    throw new Error(`no '${type}' event in the prepared snapshot`);
  }

  close(): void {
    this.#listeners.clear();
    this.#eventListeners.clear();
  }
}

/** A whole snapshot (its logs are the rings), not a draft (whose logs are a list of lines). */
function isSnapshot(value: StoreSnapshot | SnapshotDraft): value is StoreSnapshot {
  const logs = (value as { logs?: unknown }).logs;
  return typeof logs === 'object' && logs !== null && !Array.isArray(logs) && 'merged' in logs;
}

/** A complete edge with its figures and a series (`buckets`: requests per bucket, oldest first), for traffic views. */
export function draftEdge(caller: string, callee: string, e: Partial<EdgeTraffic> & { buckets?: readonly number[] } = {}): EdgeTraffic {
  const { buckets, ...rest } = e;
  const requests = buckets ?? [0, 0, 1, 3, 2, 5, 8, 4];
  return {
    caller,
    callee,
    requests: requests.reduce((a, b) => a + b, 0),
    ratePerSec: 1.5,
    errors: 0,
    errorRate: 0,
    p50: 2.1,
    p95: 7.5,
    p99: 12.25,
    series: { bucketMs: 60_000, requests, errors: requests.map(() => 0) },
    ...rest,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
