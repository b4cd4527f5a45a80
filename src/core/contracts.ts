/**
 * Interfaces that one part needs from another. Parts never import each other:
 * system/ builds the parts and hands each the interfaces it needs.
 */

/** A network address of one ready instance. */
export interface InstanceAddress {
  service: string;
  instance: number;
  host: string;
  port: number;
  /** base URL, e.g. http://127.0.0.1:53123 */
  url: string;
}

/** What the gateway and the mesh ask of the locator. */
export interface InstanceResolver {
  /** Ready instances of a service now (empty when none). */
  ready(service: string): readonly InstanceAddress[];
  /**
   * Whether the service is known and expected to come (starting, restarting, reloading),
   * so a caller should wait rather than fail.
   */
  pending(service: string): boolean;
  /** Resolves with the ready instances once there is at least one, or rejects after timeoutMs. */
  waitReady(service: string, timeoutMs: number, signal?: AbortSignal): Promise<readonly InstanceAddress[]>;
  /** Why a service has no ready instance (crash loop, exited with code 1, ...), for error bodies. */
  whyDown(service: string): string | undefined;
}

/** What views (TUI, admin API, harness) read about the broker, whatever its mode. */
export interface BrokerIntrospection {
  topics(): Promise<TopicView[]>;
  groups(): Promise<GroupView[]>;
  /** the last `limit` records of a partition, decoded for display (newest last) */
  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]>;
  /** the open transactions, oldest first (the embedded broker's; other modes report none) */
  transactions(): Promise<OpenTransactionView[]>;
}

export interface TopicView {
  name: string;
  partitions: PartitionView[];
  /** over the last few seconds, summed over partitions (0 where the mode cannot tell) */
  messagesPerSec: number;
  bytesPerSec: number;
}

export interface PartitionView {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  /**
   * below the first record of the oldest open transaction (read_committed consumers stop
   * there); the high watermark when none is open; absent where the mode cannot tell
   */
  lastStableOffset?: number;
  sizeBytes: number;
}

/** A transaction begun and not yet committed or aborted. */
export interface OpenTransactionView {
  transactionalId: string;
  /** exact (the embedded broker's ids stay below 2^53) */
  producerId: number;
  epoch: number;
  /** Kafka's transaction state; an open one is always Ongoing here (EndTxn completes at once) */
  state: 'Ongoing';
  /** when its first AddPartitionsToTxn or AddOffsetsToTxn came (ms since the epoch) */
  startedAt: number;
  /** aborted (and its producer fenced) this long after startedAt */
  timeoutMs: number;
  /** added partitions, with the offset of their first record in it (null: nothing produced yet) */
  partitions: { topic: string; partition: number; firstOffset: number | null }[];
  /** consumer groups whose offsets it carries (AddOffsetsToTxn); committed with it */
  groups: string[];
}

export interface GroupView {
  groupId: string;
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead' | 'Unknown';
  generation: number;
  protocol: string | null;
  members: { memberId: string; clientId: string; host: string; assignments: { topic: string; partitions: number[] }[] }[];
  /** per committed partition: committed offset, high watermark, lag */
  offsets: { topic: string; partition: number; committed: number; highWatermark: number; lag: number }[];
}

export interface RecordView {
  offset: number;
  timestamp: number;
  /** text, pretty JSON when the bytes are valid JSON, or a hex preview; null when absent */
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  /** e.g. 'gzip' when the batch was compressed */
  compression: string;
}

/**
 * The commands views use (TUI, admin API, harness, CLI). What they read comes from the
 * Store (core/store/); views never reach into parts. Implemented by system/ in the same
 * process and by the remote control (cli/admin-client/) over the admin API, so every
 * command is async. A command a system cannot carry out rejects with an error carrying
 * `userError: true`, an HTTP-like `status` and a `hint`.
 */
export interface SystemControl {
  /** restart every instance of a service; resolves once they are ready again (or failed) */
  restart(service: string): Promise<void>;
  /** stop every instance of a managed service (state 'stopped'; no automatic restart) */
  stop(service: string): Promise<void>;
  /** start a stopped service's instances again */
  start(service: string): Promise<void>;
  /** add or replace (same id) a run-time fault rule; resolves with it as it is in force */
  setFault(rule: FaultRuleInput): Promise<FaultRuleView>;
  /** false when no rule has that id */
  clearFault(id: string): Promise<boolean>;
  /** removes every run-time and configured fault */
  clearFaults(): Promise<void>;
  /** broker down (a fault rule with id BROKER_DOWN_RULE): every client is cut off until brokerUp() */
  brokerDown(): Promise<FaultRuleView>;
  brokerUp(): Promise<void>;
  /** produce one message through the system's broker */
  produce(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }>;
  /** the last `limit` records of a partition, decoded for display (newest last), for a topic tail */
  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]>;
  /** switch body (and WebSocket frame) capture on for calls matching caller/callee (absent = any) */
  captureOn(target: { caller?: string; callee?: string }): Promise<void>;
  /** switch it off (for that target, or everywhere) */
  captureOff(target?: { caller?: string; callee?: string }): Promise<void>;
  /** what capture is on for, and the captured exchanges (bounded; credentials redacted) */
  captured(): Promise<CapturedView>;
  /** one recent call's request and response headers (credentials redacted), capture or not; null once no longer kept */
  callHeaders(id: string): Promise<CallHeadersView | null>;
}

/** How many of the last calls' headers devmode keeps (about the Store's tap): views say so when one is gone. */
export const CALL_HEADERS_KEPT = 2000;

/** A call's headers as a view shows them: [name, value] pairs in the order sent, credentials redacted. */
export interface CallHeadersView {
  /** the exchange's id (the http.exchange event's) */
  id: string;
  /** as the caller sent them to devmode */
  request: [string, string][];
  /** as the caller got the answer; null when no head was kept (none was written, or devmode answered itself on the lean path) */
  response: { statusLine: string; headers: [string, string][] } | null;
}

/** The id of the rule brokerDown() sets. */
export const BROKER_DOWN_RULE = 'broker-down';

export interface ProduceInput {
  topic: string;
  /** absent: chosen by key hash (or round robin without a key) */
  partition?: number;
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
}

export interface CapturedView {
  enabled: { caller: string; callee: string }[];
  /** the mesh's captured exchanges (see mesh/capture), newest last */
  exchanges: unknown[];
}

/**
 * `GET /state` of the admin API (`devmode status --json`, `devmode wait`): a stable, small
 * summary derived from the Store's snapshot (core/store/state-view.ts).
 */
export interface SystemSnapshot {
  name: string;
  gatewayUrl: string;
  locatorUrl: string;
  kafkaBrokers: string;
  services: {
    name: string;
    kind: 'managed' | 'unmanaged';
    instances: { instance: number; state: string; pid: number | null; port: number | null; url: string | null; why: string | null }[];
  }[];
  edges: EdgeStatsView[];
  routes: RouteStatsView[];
  topology: TopologyView;
  topics: TopicView[];
  groups: GroupView[];
  /** the broker's open transactions */
  transactions: OpenTransactionView[];
  faults: FaultRuleView[];
}

/** Per caller->callee over a sliding window (default 60 s). Latencies in ms. */
export interface EdgeStatsView {
  caller: string;
  callee: string;
  requests: number;
  ratePerSec: number;
  errors: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface RouteStatsView extends EdgeStatsView {
  method: string;
  /** the path with ids collapsed (`/api/orders/:id`) */
  route: string;
}

export interface TopologyView {
  /** caller -> callee seen in traffic, producer -> topic, topic -> consumer group */
  observed: { from: string; to: string; kind: 'http' | 'ws' | 'produce' | 'consume' }[];
  /** called but not declared in depends_on */
  undeclared: { from: string; to: string }[];
  /** declared in depends_on but never called (so far) */
  unused: { from: string; to: string }[];
}

/** A fault rule as set at run time (config-file rules have the same shape). */
export interface FaultRuleInput {
  id?: string;
  /** 'gateway', a service name, or '*' */
  caller?: string;
  /** a service name, '*', or 'kafka' for broker faults */
  callee?: string;
  path?: string;
  methods?: string[];
  /** 0..100, default 100 */
  percent?: number;
  /** exactly one action */
  delay?: number | string;
  jitter?: number | string;
  status?: number;
  body?: string;
  abort?: boolean;
  drop?: boolean;
  cut?: boolean;
  /** broker faults (callee 'kafka'): broker down, produce errors on a topic, delayed delivery, paused group */
  broker?: { down?: boolean; topic?: string; produceError?: number; deliveryDelayMs?: number; pauseGroup?: string };
}

export interface FaultRuleView {
  id: string;
  source: 'config' | 'runtime';
  caller: string;
  callee: string;
  path: string;
  methods: string[];
  percent: number;
  action: string;
  /** how many calls it changed so far */
  hits: number;
}

/**
 * Broker faults in force, as the embedded broker asks for them on its hot paths (each
 * call must be cheap: a few map lookups). Implemented by the mesh's fault table.
 */
export interface BrokerFaultState {
  /** broker down: close every connection and refuse new ones until cleared */
  readonly down: boolean;
  /** a Kafka error code to answer produce requests on this topic with, or 0 */
  produceError(topic: string): number;
  /** extra delay before records of this topic are delivered to consumers (fetch), ms */
  deliveryDelayMs(topic: string): number;
  /** the group is paused: its members' fetches return no records, so lag builds */
  groupPaused(group: string): boolean;
  /** called when any of the above changes (to close connections, wake parked fetches) */
  onChange(listener: () => void): () => void;
  /**
   * Which kinds of rule exist at all, so a caller in another thread need not ask about
   * every topic or group when none does (absent: assume every kind may).
   */
  active?(): { produceErrors: boolean; deliveryDelays: boolean; pausedGroups: boolean };
}

/**
 * What a fault rule decided for one call (jitter already drawn from the seeded source).
 * `rule` is the id of the rule; `label` describes it for traffic records ("slow: delay 120 ms").
 */
export type FaultDecision = { rule: string; label: string } & (
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body: string | null }
  | { kind: 'abort' }
  | { kind: 'drop' }
  /** the callee is cut off: answer as if the connection had been refused */
  | { kind: 'cut' }
);

/**
 * Asked once per HTTP call or WebSocket upgrade, before it is forwarded, by the mesh and
 * the gateway (caller 'gateway'). Implemented by the mesh's fault table; must be cheap
 * when no rule is set.
 */
export interface FaultDecider {
  decide(caller: string, callee: string, method: string, path: string): FaultDecision | null;
  /** whether any rule may apply to calls from caller to callee (whatever their method and path) */
  touches(caller: string, callee: string): boolean;
}

/**
 * Where the gateway and the mesh leave each call's headers (the mesh's HeaderRing
 * implements it): `keep` runs once per exchange, so it only stores references.
 */
export interface ExchangeHeaders {
  /** a call node:http served: the request's rawHeaders, the response head it wrote */
  keep(id: string, req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void;
  /** a call the lean path served: the request's head as read (request line, then "Name: value" lines), the answer's head as relayed (undefined: devmode's own answer, or none) */
  keepHead(id: string, requestHead: string, responseHead: string | undefined): void;
}

/**
 * Body capture on demand, as the gateway and the mesh use it (the mesh's BodyCapture
 * implements it): `wants` must be cheap when capture is off.
 */
export interface ExchangeCapture {
  wants(caller: string, callee: string): boolean;
  tap(
    meta: { id: string; caller: string; callee: string },
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): { finish(status: number): void };
}
