import type { Bus } from '../bus.js';
import type { FaultRuleView, GroupView, TopicView, TopologyView } from '../contracts.js';
import type { DevmodeEvent, EventOf, EventType } from '../events/index.js';
import { Ring } from './ring.js';
import { Series } from './series.js';
import { ServicesFold } from './services-fold.js';
import type { DeclaredService, StoreSources } from './sources.js';
import type { BrokerView, EdgeTraffic, GroupTraffic, LogLine, NumberedEvent, RouteTraffic, StoreSnapshot, TapEntry, TrafficView } from './snapshot.js';
import type { Store, StoreLimits, WaitOptions } from './store.js';

export interface EventStoreOptions {
  /** where events come from (anything with the Bus's subscribe) */
  bus: Pick<Bus, 'subscribe'>;
  /** the system's name, for the header */
  name?: string;
  /** the config's services, so they are listed before any event */
  declared?: readonly DeclaredService[];
  sources?: StoreSources;
  limits?: Partial<StoreLimits>;
  /** how often the sources are polled (default 1000 ms; 0: only when refresh() is called) */
  pollMs?: number;
  /** how long a poll waits for the broker (default 2000 ms) */
  brokerTimeoutMs?: number;
  /** clock (default Date.now), for tests */
  now?: () => number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  logLinesPerInstance: 5_000,
  logBytesPerInstance: 2 * 1024 * 1024,
  logLinesMerged: 10_000,
  logLineChars: 16 * 1024,
  history: 5_000,
  events: 500,
  tap: 2_000,
  seriesBuckets: 30,
  seriesBucketMs: 60_000,
};

/** Events that have rings of their own, or are too many to be worth a line in `events`. */
const NOT_NOTABLE = new Set<EventType>(['log', 'http.exchange', 'ws.opened', 'ws.closed', 'ws.frame', 'fault.applied', 'broker.append', 'broker.fetch']);
/** Series keys kept (edges and routes); later ones get no sparkline. */
const MAX_SERIES = 2048;

/**
 * The Store over a Bus: folds every event into bounded state (rings that count what they
 * drop, counters, per-minute series), polls the sources about once a second (traffic
 * figures, topology, broker topics and groups, process CPU and memory, the locator), and
 * builds an immutable snapshot only when one is asked for after a change.
 */
export class EventStore implements Store {
  readonly #limits: StoreLimits;
  readonly #now: () => number;
  readonly #name: string;
  readonly #sources: StoreSources;
  readonly #brokerTimeoutMs: number;
  readonly #startedAt: number;
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout | undefined;

  readonly #services: ServicesFold;
  readonly #logs = new Map<string, Ring<LogLine>>();
  readonly #merged: Ring<LogLine>;
  readonly #history: Ring<NumberedEvent>;
  readonly #events: Ring<NumberedEvent>;
  readonly #tap: Ring<TapEntry>;
  readonly #series = new Map<string, Series>();
  readonly #faults = new Map<string, FaultRuleView>();
  readonly #groupServices = new Map<string, Set<string>>();
  #broker: { mode: BrokerView['mode']; address: string; state: BrokerView['state'] } = { mode: null, address: '', state: 'starting' };
  #topics: readonly TopicView[] = [];
  #groups: readonly GroupView[] = [];
  #polledAt: number | null = null;
  #topology: TopologyView = { observed: [], undeclared: [], unused: [] };
  #traffic: TrafficView = { windowSec: 60, edges: [], routes: [] };
  #trafficStale = true;
  #systemReady = false;
  #stopping = false;

  #seq = 0;
  #version = 0;
  #snapshot: StoreSnapshot | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #eventListeners = new Set<(event: DevmodeEvent, seq: number) => void>();
  #notifyScheduled = false;
  #refreshing: Promise<void> | undefined;
  #closed = false;

  constructor(options: EventStoreOptions) {
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#now = options.now ?? Date.now;
    this.#name = options.name ?? '';
    this.#sources = options.sources ?? {};
    this.#brokerTimeoutMs = options.brokerTimeoutMs ?? 2000;
    this.#startedAt = this.#now();
    this.#services = new ServicesFold(options.declared ?? []);
    this.#merged = new Ring(this.#limits.logLinesMerged);
    this.#history = new Ring(this.#limits.history);
    this.#events = new Ring(this.#limits.events);
    this.#tap = new Ring(this.#limits.tap);
    this.#unsubscribe = options.bus.subscribe((event) => this.#fold(event));
    const pollMs = options.pollMs ?? 1000;
    if (pollMs > 0) this.#timer = setInterval(() => void this.refresh(), pollMs).unref();
  }

  get lastSeq(): number {
    return this.#seq;
  }

  getSnapshot(): StoreSnapshot {
    if (this.#snapshot?.version === this.#version && !this.#trafficStale) return this.#snapshot;
    if (this.#trafficStale) this.#readTraffic();
    this.#snapshot = this.#build();
    return this.#snapshot;
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
    const all = this.#history.toArray();
    if (afterSeq <= 0) return all;
    // seqs grow by one per event: the first wanted one is at a known distance from the end
    const start = all.length - (this.#seq - afterSeq);
    return start <= 0 ? all : all.slice(start);
  }

  waitFor<T>(predicate: (snapshot: StoreSnapshot) => T | false | null | undefined, options: WaitOptions = {}): Promise<T> {
    const first = predicate(this.getSnapshot());
    if (first) return Promise.resolve(first);
    return this.#wait<T>(options, options.what ?? 'the awaited state', (resolve) =>
      this.subscribe(() => {
        const result = predicate(this.getSnapshot());
        if (result) resolve(result);
      }),
    );
  }

  waitForEvent<T extends EventType>(type: T, match: (event: EventOf<T>) => boolean = () => true, options: WaitOptions & { after?: number } = {}): Promise<EventOf<T>> {
    const after = options.after ?? 0;
    const fits = (event: DevmodeEvent): event is EventOf<T> => event.type === type && match(event as EventOf<T>);
    for (const { event } of this.history(after)) if (fits(event)) return Promise.resolve(event);
    const what = options.what ?? `a '${type}' event`;
    return this.#wait<EventOf<T>>(
      options,
      what,
      (resolve) =>
        this.onEvent((event, seq) => {
          if (seq > after && fits(event)) resolve(event);
        }),
      () => {
        const recent = this.history(after).filter((e) => e.event.type === type).slice(-10);
        return recent.length > 0 ? `; the last '${type}' events:\n${recent.map((e) => JSON.stringify(e.event)).join('\n')}` : `; none of that type was seen`;
      },
    );
  }

  /** Polls every source now (what the timer does about once a second). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    this.#listeners.clear();
    this.#eventListeners.clear();
  }

  /**
   * Replaces the folded state with a snapshot's (the remote Store's first read), so a view
   * attached late sees the logs, events and exchanges from before it came.
   */
  seed(snapshot: StoreSnapshot): void {
    this.#services.seed(snapshot.services);
    this.#logs.clear();
    for (const [key, ring] of Object.entries(snapshot.logs.byInstance)) {
      const mine = this.#logRing(key);
      mine.addDropped(ring.dropped);
      for (const line of ring.items) mine.push(line);
    }
    this.#merged.addDropped(snapshot.logs.merged.dropped);
    for (const line of snapshot.logs.merged.items) this.#merged.push(line);
    this.#events.addDropped(snapshot.events.dropped);
    for (const e of snapshot.events.items) this.#events.push(e);
    this.#tap.addDropped(snapshot.tap.dropped);
    for (const e of snapshot.tap.items) this.#tap.push(e);
    this.#faults.clear();
    for (const f of snapshot.faults) this.#faults.set(f.id, f);
    this.#broker = { mode: snapshot.broker.mode, address: snapshot.broker.address, state: snapshot.broker.state };
    this.#topics = snapshot.broker.topics;
    this.#groups = snapshot.broker.groups;
    this.#polledAt = snapshot.broker.polledAt;
    this.#topology = snapshot.topology;
    this.#traffic = snapshot.traffic;
    this.#systemReady = snapshot.header.systemReady;
    this.#stopping = snapshot.header.stopping;
    this.#seq = Math.max(this.#seq, snapshot.events.items.at(-1)?.seq ?? 0, snapshot.tap.items.at(-1)?.seq ?? 0, snapshot.logs.merged.items.at(-1)?.seq ?? 0);
    this.#changed();
  }

  // ---------------------------------------------------------------- folds

  #fold(event: DevmodeEvent): void {
    if (this.#closed) return;
    const seq = ++this.#seq;
    const numbered: NumberedEvent = { seq, event };
    this.#history.push(numbered);
    if (!NOT_NOTABLE.has(event.type)) this.#events.push(numbered);
    this.#services.fold(event);
    switch (event.type) {
      case 'log':
        this.#log(seq, event);
        break;
      case 'http.exchange':
        this.#tap.push(Object.freeze({
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
        } satisfies TapEntry));
        this.#count(event.caller.service, event.callee.service, event.method, event.path, event.status >= 500 || event.error !== undefined);
        break;
      case 'ws.opened':
        this.#tap.push(Object.freeze({
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
        } satisfies TapEntry));
        this.#count(event.caller.service, event.callee.service, 'WS', event.path, false);
        break;
      case 'fault.set':
        // a copy: the snapshot freezes what it holds, and the event's object is the publisher's
        this.#faults.set(event.rule.id, { ...event.rule });
        break;
      case 'fault.cleared':
        this.#faults.delete(event.id);
        break;
      case 'fault.applied': {
        const rule = this.#faults.get(event.id);
        if (rule) this.#faults.set(event.id, { ...rule, hits: rule.hits + 1 });
        break;
      }
      case 'broker.started':
        this.#broker = { mode: event.mode, address: event.bootstrap, state: 'up' };
        break;
      case 'broker.down':
        this.#broker = { ...this.#broker, state: 'down' };
        break;
      case 'broker.up':
        this.#broker = { ...this.#broker, address: event.bootstrap, state: 'up' };
        break;
      case 'broker.stopped':
        this.#broker = { ...this.#broker, state: 'stopped' };
        break;
      case 'broker.fetch':
        if (event.group !== undefined && event.service !== undefined) this.#attribute(event.group, event.service);
        break;
      case 'system.ready':
        this.#systemReady = true;
        break;
      case 'system.stopping':
        this.#stopping = true;
        break;
      default:
        break;
    }
    for (const listener of this.#eventListeners) {
      try {
        listener(event, seq);
      } catch {
        // a broken view must not stop the others, nor the part that published
      }
    }
    this.#changed();
  }

  #log(seq: number, event: EventOf<'log'>): void {
    const max = this.#limits.logLineChars;
    const text = event.line.length > max ? `${event.line.slice(0, max)} … [${event.line.length - max} more characters cut]` : event.line;
    const line: LogLine = Object.freeze({ seq, ts: event.ts, service: event.ref.service, instance: event.ref.instance, stream: event.stream, text });
    this.#logRing(`${event.ref.service}.${event.ref.instance}`).push(line);
    this.#merged.push(line);
  }

  #logRing(key: string): Ring<LogLine> {
    let ring = this.#logs.get(key);
    if (!ring) {
      ring = new Ring<LogLine>(this.#limits.logLinesPerInstance, { maxWeight: this.#limits.logBytesPerInstance, weigh: (l) => l.text.length });
      this.#logs.set(key, ring);
    }
    return ring;
  }

  #count(caller: string, callee: string, method: string, path: string, error: boolean): void {
    const now = this.#now();
    this.#seriesOf(`${caller}\u0000${callee}`)?.record(now, error);
    const routeOf = this.#sources.traffic?.routeOf;
    if (routeOf) this.#seriesOf(`${caller}\u0000${callee}\u0000${method}\u0000${routeOf(path)}`)?.record(now, error);
    this.#trafficStale = true;
  }

  #seriesOf(key: string): Series | undefined {
    let series = this.#series.get(key);
    if (!series && this.#series.size < MAX_SERIES) this.#series.set(key, (series = new Series(this.#limits.seriesBuckets, this.#limits.seriesBucketMs)));
    return series;
  }

  #attribute(group: string, service: string): void {
    let services = this.#groupServices.get(group);
    if (!services) {
      if (this.#groupServices.size >= 1024) return;
      this.#groupServices.set(group, (services = new Set()));
    }
    if (services.size < 64) services.add(service);
  }

  // ---------------------------------------------------------------- polling

  async #refresh(): Promise<void> {
    if (this.#closed) return;
    const sources = this.#sources;
    if (sources.registry) this.#services.mergeRegistry(sources.registry());
    if (sources.topology) this.#topology = sources.topology();
    this.#readTraffic();
    const [broker, usage] = await Promise.all([this.#readBroker(), sources.usage ? sources.usage(this.#services.pids()).catch(() => undefined) : undefined]);
    if (this.#closed) return;
    if (broker) {
      this.#topics = broker.topics;
      this.#groups = broker.groups;
      this.#polledAt = this.#now();
    }
    if (usage) this.#services.mergeUsage(usage);
    this.#changed();
  }

  async #readBroker(): Promise<{ topics: TopicView[]; groups: GroupView[] } | undefined> {
    const broker = this.#sources.broker;
    if (!broker || this.#broker.state === 'down' || this.#broker.state === 'stopped') return undefined;
    // A broker that is slow (container mode, a fault) must not hold the rest of the poll.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#brokerTimeoutMs)));
    try {
      return await Promise.race([Promise.all([broker.topics(), broker.groups()]).then(([topics, groups]) => ({ topics, groups })), timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #readTraffic(): void {
    this.#trafficStale = false;
    const source = this.#sources.traffic;
    if (!source) return;
    const now = this.#now();
    const empty = this.#emptySeries ??= new Series(this.#limits.seriesBuckets, this.#limits.seriesBucketMs);
    const edges: EdgeTraffic[] = source.edges().map((e) => Object.freeze({ ...e, series: e.series ?? (this.#series.get(`${e.caller}\u0000${e.callee}`) ?? empty).view(now) }));
    const routes: RouteTraffic[] = source.routes().map((r) => Object.freeze({ ...r, series: r.series ?? (this.#series.get(`${r.caller}\u0000${r.callee}\u0000${r.method}\u0000${r.route}`) ?? empty).view(now) }));
    this.#traffic = { windowSec: source.windowSec, edges, routes };
    this.#version++;
  }

  #emptySeries: Series | undefined;

  // ---------------------------------------------------------------- snapshot

  #changed(): void {
    this.#version++;
    if (this.#notifyScheduled || this.#listeners.size === 0 || this.#closed) return;
    this.#notifyScheduled = true;
    setImmediate(() => {
      this.#notifyScheduled = false;
      for (const listener of [...this.#listeners]) {
        try {
          listener();
        } catch {
          // a broken view must not stop the others
        }
      }
    });
  }

  #build(): StoreSnapshot {
    const services = this.#services.view();
    let ready = 0;
    let total = 0;
    for (const s of services) {
      if (s.kind !== 'managed') continue;
      for (const i of s.instances) {
        total++;
        if (i.state === 'ready') ready++;
      }
    }
    let addresses: { gatewayUrl?: string; locatorUrl?: string; adminUrl?: string } = {};
    try {
      addresses = this.#sources.addresses?.() ?? {};
    } catch {
      // not started yet: no addresses
    }
    const edges = this.#traffic.edges;
    const requests = edges.reduce((n, e) => n + e.requests, 0);
    const errors = edges.reduce((n, e) => n + e.errors, 0);
    const byInstance: Record<string, ReturnType<Ring<LogLine>['view']>> = {};
    for (const [key, ring] of this.#logs) byInstance[key] = ring.view();
    const groups: GroupTraffic[] = this.#groups.map((g) =>
      Object.freeze({ ...g, services: Object.freeze([...(this.#groupServices.get(g.groupId) ?? [])].sort()), lag: g.offsets.reduce((n, o) => n + o.lag, 0) }),
    );
    return deepFreezeShallow({
      version: this.#version,
      ts: this.#now(),
      header: {
        name: this.#name,
        gatewayUrl: addresses.gatewayUrl ?? '',
        locatorUrl: addresses.locatorUrl ?? '',
        adminUrl: addresses.adminUrl ?? '',
        ready,
        total,
        requestsPerSec: edges.reduce((n, e) => n + e.ratePerSec, 0),
        errors,
        errorRate: requests === 0 ? 0 : errors / requests,
        startedAt: this.#startedAt,
        systemReady: this.#systemReady,
        stopping: this.#stopping,
      },
      services,
      logs: { byInstance, merged: this.#merged.view() },
      events: this.#events.view(),
      tap: this.#tap.view(),
      traffic: { windowSec: this.#traffic.windowSec, edges: Object.freeze([...this.#traffic.edges]), routes: Object.freeze([...this.#traffic.routes]) },
      topology: this.#topology,
      faults: [...this.#faults.values()],
      broker: { ...this.#broker, topics: this.#topics, groups, polledAt: this.#polledAt },
    });
  }

  #wait<T>(options: WaitOptions, what: string, listen: (resolve: (value: T) => void) => () => void, detail?: () => string): Promise<T> {
    const timeoutMs = options.timeout ?? 15_000;
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) return reject(options.signal.reason);
      let off: () => void = () => {};
      const finish = () => {
        off();
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        reject(options.signal?.reason);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what} did not come within ${timeoutMs} ms${detail?.() ?? ''}`));
      }, timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      off = listen((value) => {
        finish();
        resolve(value);
      });
    });
  }
}

/** The W3C trace id of a traceparent (`00-<trace id>-<span id>-<flags>`), or null. */
function traceIdOf(traceparent: string | undefined): string | null {
  if (!traceparent) return null;
  const id = traceparent.split('-')[1];
  return id && id.length === 32 ? id : null;
}

/**
 * Freezes the snapshot and its containers two levels down (what the Store builds afresh);
 * items already frozen when made (log lines, tap entries, ring views) are left as they are.
 */
function deepFreezeShallow<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Object.isFrozen(child)) {
      for (const grand of Object.values(child as object)) if (grand && typeof grand === 'object' && !Object.isFrozen(grand)) Object.freeze(grand);
      Object.freeze(child);
    }
  }
  return Object.freeze(value);
}
