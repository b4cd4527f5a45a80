/**
 * The read model every view reads: one immutable, versioned snapshot of the whole system,
 * built by the Store (store.ts) from the Bus's events and a few polled sources. Plain
 * JSON-able data (the admin API's `GET /snapshot` sends it as is, and the remote Store
 * rebuilds it from that), frozen: a view may keep a snapshot as long as it likes.
 *
 * Figures a view shows (rates, percentiles, sparklines, lag) are computed here, outside
 * any render.
 */
import type { EdgeStatsView, FaultRuleView, GroupView, OpenTransactionView, RouteStatsView, TopicView, TopologyView } from '../contracts.js';
import type { DevmodeEvent, Endpoint, InstanceState } from '../events/index.js';

export interface StoreSnapshot {
  /** grows by one or more with every change; equal versions mean the same snapshot object */
  readonly version: number;
  /** when this snapshot was built (ms since the epoch): uptimes are `ts - upSince` */
  readonly ts: number;
  /** the seq of the newest event folded into it (0 before any): where a live stream takes over */
  readonly seq: number;
  readonly header: HeaderView;
  /** declared services first (config order), then any registered at run time */
  readonly services: readonly ServiceView[];
  readonly logs: LogsView;
  /** recent notable events (not logs, exchanges or frames: they have their own rings) */
  readonly events: RingView<NumberedEvent>;
  /** recent HTTP exchanges and WebSocket connections, newest last */
  readonly tap: RingView<TapEntry>;
  /**
   * set while the tap is sampled (a remote Store that asked for `max-rps`: devmode left
   * calls out in the last ~3 s; they count in `tap.dropped`), null when every call is in it
   */
  readonly tapSampled: TapSampledView | null;
  readonly traffic: TrafficView;
  readonly topology: TopologyView;
  /** the fault rules in force, with their hit counts */
  readonly faults: readonly FaultRuleView[];
  readonly broker: BrokerView;
}

/** What the TUI's header line shows. */
export interface HeaderView {
  readonly name: string;
  /** '' until the system has started */
  readonly gatewayUrl: string;
  readonly locatorUrl: string;
  readonly adminUrl: string;
  /** managed instances ready now / managed instances declared */
  readonly ready: number;
  readonly total: number;
  /** requests per second over the traffic window, every edge (gateway and mesh) */
  readonly requestsPerSec: number;
  /** failed exchanges (5xx or answered by devmode) over the traffic window */
  readonly errors: number;
  /** 0..1 over the traffic window */
  readonly errorRate: number;
  /** when the Store started folding (ms since the epoch) */
  readonly startedAt: number;
  /** the system.ready event was seen (every managed instance became ready once) */
  readonly systemReady: boolean;
  /** the system is shutting down (system.stopping seen) */
  readonly stopping: boolean;
  /** set when the Store is fed from a devmode running elsewhere (`devmode ui`) */
  readonly remote: RemoteView | null;
}

/** A remote Store's feed: the admin API it reads, and whether its event stream is live. */
export interface RemoteView {
  readonly adminUrl: string;
  readonly connected: boolean;
  /** when the feed was last connected or lost (ms since the epoch) */
  readonly since: number;
  /** why it is not connected ('devmode stopped', a connection error), null when connected */
  readonly error: string | null;
}

/**
 * What an instance shows: the supervisor's states, and 'waiting' (declared, not spawned
 * yet: a dependency or a build is pending). An unmanaged service's one instance is 'ready'
 * or 'exited' as the locator last saw it.
 */
export type InstanceStateView = InstanceState | 'waiting';

export interface ServiceView {
  readonly name: string;
  readonly kind: 'managed' | 'unmanaged';
  /** unmanaged services: where they run */
  readonly url: string | null;
  readonly instances: readonly InstanceView[];
  /**
   * what the service is doing beyond its instances' states: a reload (build and swap) in
   * progress, or a failed build whose output is in `lastReload.buildOutput`
   */
  readonly activity: 'idle' | 'building' | 'reloading' | 'build-failed';
  readonly lastReload: ReloadView | null;
}

export interface InstanceView {
  readonly service: string;
  readonly instance: number;
  /** `${service}.${instance}`: the key of its log ring in `logs.byInstance` */
  readonly key: string;
  readonly state: InstanceStateView;
  /** when the instance entered this state */
  readonly since: number | null;
  readonly pid: number | null;
  readonly port: number | null;
  readonly url: string | null;
  /** when the running process became ready (ms since the epoch); uptime = snapshot.ts - upSince */
  readonly upSince: number | null;
  /** ms from spawn to ready, the last time */
  readonly readyInMs: number | null;
  /** how many times it was started again after the first start (crashes, restarts, reloads) */
  readonly restarts: number;
  readonly lastExit: ExitView | null;
  /** why it is not ready (probe error, crash loop), null when ready */
  readonly why: string | null;
  /** ms until the next restart while in backoff or crash loop */
  readonly restartInMs: number | null;
  /** sampled about once a second from /proc (null where unknown: other OS, not running) */
  readonly cpuPercent: number | null;
  readonly rssBytes: number | null;
}

export interface ExitView {
  readonly code: number | null;
  readonly signal: string | null;
  readonly ts: number;
  /** true when devmode stopped it (stop, restart, reload), false when it exited by itself */
  readonly requested: boolean;
}

export interface ReloadView {
  /** the file (or first of several) that triggered it; 'restart' for a command */
  readonly trigger: string;
  readonly files: number;
  readonly startedAt: number;
  readonly outcome: 'running' | 'finished' | 'failed' | 'build-failed';
  /** from the first change seen to traffic switched (finished only) */
  readonly ms: number | null;
  /** why it failed */
  readonly reason: string | null;
  /** the build's output when the build failed (bounded by the build runner) */
  readonly buildOutput: string | null;
}

/** One line of a service's output. */
export interface LogLine {
  /** grows across every instance's lines: merging rings by seq gives the interleaving */
  readonly seq: number;
  readonly ts: number;
  readonly service: string;
  readonly instance: number;
  readonly stream: 'stdout' | 'stderr';
  /** as the service printed it (ANSI kept; a view makes it safe before showing it) */
  readonly text: string;
}

/** A bounded ring as a view sees it: the items kept (oldest first) and what fell out. */
export interface RingView<T> {
  readonly items: readonly T[];
  /** items that fell out of the ring since the Store started (or were never kept) */
  readonly dropped: number;
  /** items ever added: dropped + items.length */
  readonly total: number;
}

export interface LogsView {
  /** per instance, by InstanceView.key */
  readonly byInstance: Readonly<Record<string, RingView<LogLine>>>;
  /** every instance's lines interleaved, newest last (its own, larger bound) */
  readonly merged: RingView<LogLine>;
}

/** An event with its position in the Store's history (the admin API's SSE `id:`). */
export interface NumberedEvent {
  readonly seq: number;
  readonly event: DevmodeEvent;
}

/** One exchange in the tap. */
export interface TapEntry {
  /** the Store's event seq (order and identity in the ring) */
  readonly seq: number;
  /** the exchange's own id (http.exchange / ws.opened id), for GET /capture lookups */
  readonly id: string;
  readonly ts: number;
  readonly kind: 'http' | 'ws';
  readonly caller: Endpoint;
  readonly callee: Endpoint;
  /** 'WS' for a WebSocket */
  readonly method: string;
  readonly path: string;
  /** 0 for an abort or drop; 101 for a WebSocket opened */
  readonly status: number;
  /** null for a WebSocket */
  readonly durationMs: number | null;
  readonly requestBytes: number;
  readonly responseBytes: number;
  /** set when devmode answered itself (no route, service down, fault) */
  readonly error: string | null;
  /** the fault rule that changed the call, as the label says it */
  readonly fault: string | null;
  /** the W3C trace id (from traceparent), to link calls, messages and log lines */
  readonly traceId: string | null;
}

/** What the admin API's `admin.sampled` markers said last. */
export interface TapSampledView {
  /** calls left out by the last marker (about the last second) */
  readonly skipped: number;
  /** the most calls a second sent (failures are always sent besides) */
  readonly maxRps: number;
}

/** Per-bucket counts, oldest first; the last bucket is the current (partial) one. */
export interface SeriesView {
  readonly bucketMs: number;
  readonly requests: readonly number[];
  readonly errors: readonly number[];
}

export type EdgeTraffic = EdgeStatsView & { readonly series: SeriesView };
export type RouteTraffic = RouteStatsView & { readonly series: SeriesView };

export interface TrafficView {
  /** the sliding window of the rates and percentiles, seconds */
  readonly windowSec: number;
  /** busiest first */
  readonly edges: readonly EdgeTraffic[];
  readonly routes: readonly RouteTraffic[];
}

export interface BrokerView {
  /** null until broker.started */
  readonly mode: 'embedded' | 'container' | 'external' | null;
  /** bootstrap servers, '' until started */
  readonly address: string;
  readonly state: 'starting' | 'up' | 'down' | 'stopped';
  readonly topics: readonly TopicView[];
  readonly groups: readonly GroupTraffic[];
  /** open transactions, oldest first */
  readonly transactions: readonly OpenTransactionView[];
  /** when topics, groups and transactions were last read from the broker (null: never) */
  readonly polledAt: number | null;
}

/** A consumer group with the services seen consuming for it (from attributed fetches). */
export type GroupTraffic = GroupView & {
  readonly services: readonly string[];
  /** total lag over its committed partitions */
  readonly lag: number;
};
