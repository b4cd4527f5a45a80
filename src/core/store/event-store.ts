import type { Bus } from '../bus.js';
import type { FaultRuleView, GroupView, OpenTransactionView, TopicView, TopologyView } from '../contracts.js';
import type { DevmodeEvent, EventOf, EventType } from '../events/index.js';
import { BrokerFold } from './broker-fold.js';
import { Ring } from './ring.js';
import { ServicesFold } from './services-fold.js';
import type { DeclaredService, StoreSources } from './sources.js';
import type { LogLine, NumberedEvent, RingView, StoreSnapshot, TapSampledView, TrafficView } from './snapshot.js';
import type { Store, StoreLimits, WaitOptions } from './store.js';
import { TrafficFold } from './traffic-fold.js';
import { waitUntil } from './waiting.js';

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
  logBytesTotal: 64 * 1024 * 1024,
  logLinesMerged: 10_000,
  logBytesMerged: 8 * 1024 * 1024,
  logLineChars: 16 * 1024,
  history: 5_000,
  historyBytes: 16 * 1024 * 1024,
  events: 500,
  tap: 2_000,
  seriesBuckets: 30,
  seriesBucketMs: 60_000,
};

/** How long after the last `admin.sampled` marker the snapshot still says the tap is sampled. */
const SAMPLED_SHOWN_MS = 3000;

/** Events that have rings of their own, or are too many to be worth a line in `events`. */
const NOT_NOTABLE = new Set<EventType>(['log', 'http.exchange', 'ws.opened', 'ws.closed', 'ws.frame', 'fault.applied', 'broker.append', 'broker.fetch']);

/**
 * The Store over a Bus: folds every event into bounded state (rings that count what they
 * drop, counters, per-minute series), polls the sources about once a second (traffic
 * figures, topology, broker topics and groups, process CPU and memory, the locator), and
 * builds an immutable snapshot only when one is asked for after a change.
 */
export class EventStore implements Store {
  readonly #limits: StoreLimits;
  readonly #now: () => number;
  #name: string;
  readonly #sources: StoreSources;
  readonly #brokerTimeoutMs: number;
  readonly #startedAt: number;
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout | undefined;

  readonly #services: ServicesFold;
  readonly #traffic: TrafficFold;
  readonly #broker = new BrokerFold();
  readonly #logs = new Map<string, Ring<LogLine>>();
  readonly #merged: Ring<LogLine>;
  readonly #history: Ring<NumberedEvent>;
  readonly #events: Ring<NumberedEvent>;
  readonly #faults = new Map<string, FaultRuleView>();
  /** characters each instance's log ring may hold: its share of the total, at most the per-instance bound */
  readonly #logBytesEach: number;
  #topology: TopologyView = { observed: [], undeclared: [], unused: [] };
  #figures: TrafficView = { windowSec: 60, edges: [], routes: [] };
  /** traffic or broker events came since the figures and topology were last read */
  #figuresStale = true;
  #systemReady = false;
  /** the last sampling marker and when it came */
  #sampled: { view: TapSampledView; at: number } | undefined;
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
    this.#traffic = new TrafficFold(this.#limits);
    const instances = (options.declared ?? []).reduce((n, d) => n + (d.kind === 'managed' ? (d.instances ?? 1) : 0), 0);
    this.#logBytesEach = Math.min(this.#limits.logBytesPerInstance, Math.floor(this.#limits.logBytesTotal / Math.max(1, instances)));
    this.#merged = new Ring(this.#limits.logLinesMerged, { maxWeight: this.#limits.logBytesMerged, weigh: (l) => l.text.length });
    this.#history = new Ring(this.#limits.history, { maxWeight: this.#limits.historyBytes, weigh: (e) => (e.event.type === 'log' ? e.event.line.length : 64) });
    this.#events = new Ring(this.#limits.events);
    this.#unsubscribe = options.bus.subscribe((event) => this.#fold(event));
    const pollMs = options.pollMs ?? 1000;
    if (pollMs > 0) this.#timer = setInterval(() => void this.refresh(), pollMs).unref();
  }

  get lastSeq(): number {
    return this.#seq;
  }

  getSnapshot(): StoreSnapshot {
    if (this.#figuresStale) this.#readFigures();
    if (this.#snapshot?.version !== this.#version) this.#snapshot = this.#build();
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
    // seqs grow along the ring (a seeded history keeps its source's, all below the Store's own)
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? all : all.slice(lo);
  }

  waitFor<T>(predicate: (snapshot: StoreSnapshot) => T | false | null | undefined, options: WaitOptions = {}): Promise<T> {
    const first = predicate(this.getSnapshot());
    if (first) return Promise.resolve(first);
    return waitUntil<T>(options, options.what ?? 'the awaited state', (resolve) =>
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
    return waitUntil<EventOf<T>>(
      options,
      options.what ?? `a '${type}' event`,
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
   * Replaces the folded state with a snapshot's (the remote Store's first read, and each
   * reconnection), so a view attached late sees the logs, events and exchanges from before.
   */
  seed(snapshot: StoreSnapshot): void {
    this.#name = snapshot.header.name;
    this.#services.seed(snapshot.services);
    this.#logs.clear();
    for (const [key, ring] of Object.entries(snapshot.logs.byInstance)) seedRing(this.#logRing(key), ring);
    seedRing(this.#merged, snapshot.logs.merged);
    seedRing(this.#events, snapshot.events);
    this.#history.clear();
    for (const e of snapshot.events.items) this.#history.push(e);
    this.#traffic.seed(snapshot.tap);
    this.#faults.clear();
    for (const f of snapshot.faults) this.#faults.set(f.id, f);
    this.#broker.seed(snapshot.broker);
    this.#topology = snapshot.topology;
    this.#figures = snapshot.traffic;
    this.#figuresStale = false;
    this.#systemReady = snapshot.header.systemReady;
    this.#stopping = snapshot.header.stopping;
    this.#seq = Math.max(this.#seq, snapshot.seq);
    this.#changed();
  }

  /**
   * The admin API left `count` calls out of the stream (`admin.sampled`, a remote Store that
   * asked for `max-rps`): they count as dropped from the tap, and the snapshot says the tap
   * is sampled for a few seconds (the poll rebuilds it, so the note goes once markers stop).
   */
  tapSkipped(count: number, maxRps: number): void {
    if (this.#closed || count <= 0) return;
    this.#traffic.skipped(count);
    this.#sampled = { view: Object.freeze({ skipped: count, maxRps }), at: this.#now() };
    this.#changed();
  }

  // ---------------------------------------------------------------- folds

  #fold(event: DevmodeEvent): void {
    if (this.#closed) return;
    const seq = ++this.#seq;
    const numbered: NumberedEvent = { seq, event };
    this.#history.push(numbered);
    if (!NOT_NOTABLE.has(event.type)) this.#events.push(numbered);
    if (this.#traffic.fold(numbered, this.#now(), this.#sources.traffic?.routeOf) || this.#broker.fold(event)) this.#figuresStale = true;
    else if (!this.#services.fold(event)) this.#foldRest(event, seq);
    for (const listener of this.#eventListeners) {
      try {
        listener(event, seq);
      } catch {
        // a broken view must not stop the others, nor the part that published
      }
    }
    this.#changed();
  }

  #foldRest(event: DevmodeEvent, seq: number): void {
    switch (event.type) {
      case 'log':
        this.#log(seq, event);
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
      case 'system.ready':
        this.#systemReady = true;
        break;
      case 'system.stopping':
        this.#stopping = true;
        break;
      default:
        break;
    }
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
      ring = new Ring<LogLine>(this.#limits.logLinesPerInstance, { maxWeight: this.#logBytesEach, weigh: (l) => l.text.length });
      this.#logs.set(key, ring);
    }
    return ring;
  }

  // ---------------------------------------------------------------- polling

  async #refresh(): Promise<void> {
    if (this.#closed) return;
    const sources = this.#sources;
    await sources.prepare?.().catch(() => {});
    if (this.#closed) return;
    if (sources.registry) this.#services.mergeRegistry(sources.registry());
    this.#readFigures();
    const [broker, usage] = await Promise.all([this.#readBroker(), sources.usage ? sources.usage(this.#services.pids()).catch(() => undefined) : undefined]);
    if (this.#closed) return;
    if (broker) this.#broker.polled(broker.topics, broker.groups, broker.transactions, this.#now());
    if (usage) this.#services.mergeUsage(usage);
    this.#changed();
  }

  async #readBroker(): Promise<{ topics: TopicView[]; groups: GroupView[]; transactions: OpenTransactionView[] } | undefined> {
    const broker = this.#sources.broker;
    if (!broker || !this.#broker.reachable) return undefined;
    // A broker that is slow (container mode, a fault) must not hold the rest of the poll.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.#brokerTimeoutMs)));
    try {
      const all = Promise.all([broker.topics(), broker.groups(), broker.transactions?.() ?? []]).then(([topics, groups, transactions]) => ({ topics, groups, transactions }));
      return await Promise.race([all, timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The traffic figures and the topology: on the poll, and when a snapshot is built after traffic. */
  #readFigures(): void {
    this.#figuresStale = false;
    this.#version++;
    if (this.#sources.topology) this.#topology = this.#sources.topology();
    if (this.#sources.traffic) this.#figures = this.#traffic.read(this.#sources.traffic, this.#now());
  }

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
    const edges = this.#figures.edges;
    const requests = edges.reduce((n, e) => n + e.requests, 0);
    const errors = edges.reduce((n, e) => n + e.errors, 0);
    const byInstance: Record<string, RingView<LogLine>> = {};
    for (const [key, ring] of this.#logs) byInstance[key] = ring.view();
    return freezeTwoLevels({
      version: this.#version,
      ts: this.#now(),
      seq: this.#seq,
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
        remote: this.#sources.remote?.() ?? null,
      },
      services,
      logs: { byInstance, merged: this.#merged.view() },
      events: this.#events.view(),
      tap: this.#traffic.tap(),
      tapSampled: this.#sampled !== undefined && this.#now() - this.#sampled.at <= SAMPLED_SHOWN_MS ? this.#sampled.view : null,
      traffic: { windowSec: this.#figures.windowSec, edges: [...this.#figures.edges], routes: [...this.#figures.routes] },
      topology: this.#topology,
      faults: [...this.#faults.values()],
      broker: this.#broker.view(),
    });
  }
}

function seedRing<T>(ring: Ring<T>, from: RingView<T>): void {
  ring.clear();
  ring.addDropped(from.dropped);
  for (const item of from.items) ring.push(item);
}

/**
 * Freezes the snapshot and its containers two levels down (what the Store builds afresh);
 * items already frozen when made (log lines, tap entries, ring views) are left as they are.
 */
function freezeTwoLevels<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !Object.isFrozen(child)) {
      for (const grand of Object.values(child as object)) if (grand && typeof grand === 'object' && !Object.isFrozen(grand)) Object.freeze(grand);
      Object.freeze(child);
    }
  }
  return Object.freeze(value);
}
