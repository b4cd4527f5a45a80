/**
 * The typed, validated, defaults-filled configuration every part reads.
 * Produced only by config/load.ts (from devmode.yaml); frozen; never mutated.
 * Names are camelCase here; the YAML uses snake_case like docker compose.
 */

export interface SystemConfig {
  /** system name (`name:`; default: the config directory's name); seeds deterministic ports */
  readonly name: string;
  /** absolute path of the config file */
  readonly file: string;
  /** absolute directory of the config file; relative paths resolve against it */
  readonly root: string;
  /** in declaration order */
  readonly services: readonly ServiceConfig[];
  readonly locator: ListenerConfig;
  readonly gateway: GatewayConfig;
  readonly admin: ListenerConfig;
  readonly kafka: KafkaConfig;
  /** fault rules from `faults:` (mesh) */
  readonly faults: readonly FaultRule[];
  /**
   * seed of the fault rules' random source (`faults_seed:`), so a run with percentages
   * or jitter can be repeated; absent = the mesh's fixed default seed
   */
  readonly faultsSeed?: number;
}

export interface ListenerConfig {
  readonly host: string;
  /** fixed port, or null to derive one deterministically */
  readonly port: number | null;
}

export interface GatewayConfig extends ListenerConfig {
  /** how long a request for a starting/reloading service waits before 503 */
  readonly waitTimeoutMs: number;
  /** how long a client may take to send a whole request (headers and body) before a 408 */
  readonly requestTimeoutMs: number;
}

export type ServiceConfig = ManagedServiceConfig | UnmanagedServiceConfig;

interface ServiceCommon {
  readonly name: string;
  /** gateway routes, first match wins across services in declaration order */
  readonly routes: readonly RouteConfig[];
  /** where in devmode.yaml this service is declared (for messages) */
  readonly position: SourcePosition;
}

export interface UnmanagedServiceConfig extends ServiceCommon {
  readonly kind: 'unmanaged';
  /** base URL of a service devmode does not start */
  readonly url: string;
}

export interface ManagedServiceConfig extends ServiceCommon {
  readonly kind: 'managed';
  /** a string runs through /bin/sh -c; an array is executed directly */
  readonly command: string | readonly string[];
  /** absolute */
  readonly cwd: string;
  /** from env_file(s) then environment (environment wins), before devmode's contract variables */
  readonly environment: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
  /**
   * Per dependency in dependsOn: wait until it is 'ready' (default; compose's
   * service_healthy/service_ready) or only 'started' (service_started).
   */
  readonly dependsOnConditions: Readonly<Record<string, 'ready' | 'started'>>;
  readonly instances: number;
  /** fixed port for instance 0 (others take the next ones), or null to derive */
  readonly port: number | null;
  readonly readiness: ReadinessConfig;
  readonly restart: 'always' | 'on-failure' | 'no';
  readonly stopGraceMs: number;
  /** absolute paths to watch (default: [cwd]) */
  readonly watch: readonly string[];
  /** glob patterns ignored (defaults: node_modules, .git, dist/build output, .devmode) */
  readonly ignore: readonly string[];
  /** shell command run in cwd before (re)starting, or null */
  readonly build: string | null;
  /** swap: start new, switch, drain old; restart: stop then start; none: no hot reload */
  readonly reload: 'swap' | 'restart' | 'none';
}

export type ReadinessConfig =
  | { readonly kind: 'http'; readonly path: string; readonly timeoutMs: number; readonly intervalMs: number }
  | { readonly kind: 'tcp'; readonly timeoutMs: number; readonly intervalMs: number }
  | { readonly kind: 'log'; readonly pattern: RegExp; readonly timeoutMs: number }
  | { readonly kind: 'none' };

export interface RouteConfig {
  /** path pattern: exact `/a/b`, `:param` segments, `*` one segment, `**` or a trailing `/*` for the rest */
  readonly path: string;
  /** upper-case methods, empty = all */
  readonly methods: readonly string[];
  /** strip this prefix before forwarding (default: none) */
  readonly stripPrefix: string | null;
}

export interface KafkaTopicConfig {
  readonly name: string;
  readonly partitions: number;
  /** Kafka topic configs set for this topic (validated names, values as strings); absent: none */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface KafkaConfig {
  readonly mode: 'auto' | 'embedded' | 'container' | 'external';
  readonly host: string;
  /** embedded: listen port (default 9092, probing past a busy one unless fixed explicitly) */
  readonly port: number | null;
  /** external: bootstrap servers */
  readonly brokers: readonly string[];
  /** container: image (default confluentinc/cp-kafka:7.9.1 ... see config/defaults.ts) */
  readonly image: string;
  /** embedded: null keeps data in memory for the run; a directory persists it */
  readonly dataDir: string | null;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly topics: readonly KafkaTopicConfig[];
  readonly retentionBytes: number;
  readonly retentionMs: number;
  /** embedded: broker-wide topic config defaults (kafka.topic_config), values as strings; absent: none */
  readonly topicConfig?: Readonly<Record<string, string>>;
}

export interface FaultRule {
  readonly id: string;
  /** 'gateway' or a service name; '*' or absent = any */
  readonly caller: string;
  readonly callee: string;
  /** path pattern as in routes, or '*' */
  readonly path: string;
  readonly methods: readonly string[];
  /** 0..100 */
  readonly percent: number;
  readonly action: FaultAction;
}

export type FaultAction =
  | { readonly kind: 'delay'; readonly ms: number; readonly jitterMs: number }
  | { readonly kind: 'status'; readonly status: number; readonly body: string | null }
  | { readonly kind: 'abort' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'cut' }
  /** broker faults (callee 'kafka', `broker:` in the YAML) */
  | BrokerFaultAction;

/** What a broker fault rule does (`broker: {down | topic + produce_error | topic + delivery_delay | pause_group}`). */
export type BrokerFaultAction =
  /** close every connection and refuse new ones */
  | { readonly kind: 'broker-down' }
  /** answer produce requests on the topic ('*' = any) with this Kafka error code */
  | { readonly kind: 'produce-error'; readonly topic: string; readonly errorCode: number }
  /** delay delivery (fetch) of the topic's records by this much */
  | { readonly kind: 'delivery-delay'; readonly topic: string; readonly ms: number }
  /** the group's fetches return nothing, so lag builds */
  | { readonly kind: 'pause-group'; readonly group: string };

export interface SourcePosition {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly col: number;
}
