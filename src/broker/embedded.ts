/**
 * devmode's own Kafka broker: a LogStore, a GroupCoordinator and a TCP server speaking the
 * Kafka wire protocol, in this process. Unmodified Kafka clients (kafkajs, librdkafka,
 * Java) use it at `bootstrap`.
 *
 * Broker faults come from a BrokerFaultState (the mesh's fault table): down (listener and
 * connections closed, back on the same port when cleared), produce errors, delayed
 * delivery, paused groups. Client connections are attributed to the service instance whose
 * process owns them, through a ClientResolver or the /proc resolver and a pid lookup.
 */
import { randomBytes } from 'node:crypto';
import type { BrokerEvent } from '../core/events/index.js';
import type { BrokerFaultState } from '../core/contracts.js';
import type { LogStore, TopicInfo } from './log/contract.js';
import type { ApiHandler, BrokerContext, BrokerSettings } from './apis/api.js';
import { GroupCoordinator } from './groups/coordinator.js';
import { MemoryProducerIds } from './apis/producer-ids.js';
import { TransactionCoordinator } from './apis/transactions.js';
import { createApiRegistry } from './apis/registry.js';
import { BrokerServer } from './server.js';
import { EmbeddedLogStore, DEFAULT_RETENTION_BYTES, DEFAULT_RETENTION_MS } from './log/log-store.js';
import { FaultGate } from './faults/fault-gate.js';
import { DownSwitch } from './faults/down-switch.js';
import { GroupIndex } from './attribution/group-index.js';
import { ConnectionClient, type ClientEnvironment } from './attribution/connection-client.js';
import { ProcClientResolver } from './attribution/proc-resolver.js';
import type { ClientResolver, InstanceOfProcess } from './attribution/types.js';

export type { ClientOwner, ClientResolver, InstanceOfProcess } from './attribution/types.js';

export interface EmbeddedBrokerOptions {
  /** default 127.0.0.1 (advertised as is: clients connect to what Metadata says) */
  host?: string;
  /** default 9092; 0 = any free port */
  port?: number;
  /** null/absent: in memory for the run; a directory persists topics, batches and offsets */
  dataDir?: string | null;
  /** default true */
  autoCreateTopics?: boolean;
  /** partitions of auto-created topics and of CreateTopics with -1; default 1 */
  defaultPartitions?: number;
  /** created at start when absent, with their config overrides (valid names and values) */
  topics?: readonly { name: string; partitions: number; configs?: Readonly<Record<string, string>> }[];
  /** broker-wide topic config defaults (devmode.yaml's kafka.topic_config; valid names and values) */
  topicDefaults?: Readonly<Record<string, string>>;
  /** per partition; -1 = unlimited; default the log's (256 MiB) */
  retentionBytes?: number;
  /** -1 = unlimited; default the log's (24 h) */
  retentionMs?: number;
  /** socket.request.max.bytes; default 100 MiB */
  maxRequestBytes?: number;
  /** largest record batch accepted (message.max.bytes); default Kafka's 1048588 */
  maxMessageBytes?: number;
  /** group.initial.rebalance.delay.ms; default 0 */
  initialRebalanceDelayMs?: number;
  publish?: (e: BrokerEvent) => void;
  /** a store to use instead of creating one (tests); the broker opens and closes it */
  store?: LogStore;
  /** handlers added to (or, by key, replacing none of) the built-in ones; for tests */
  extraApis?: readonly ApiHandler[];
  /** broker faults in force (the mesh's fault table); also settable later with useFaults() */
  faults?: BrokerFaultState;
  /**
   * Who owns a client connection, by its remote port; takes precedence over pidToInstance.
   * Also settable later with useClientResolver().
   */
  resolveClient?: ClientResolver;
  /**
   * Maps a process (and its process group) to a service instance: turns on the /proc
   * resolver (Linux), which finds the process owning each producing or fetching connection.
   */
  pidToInstance?: InstanceOfProcess;
}

const NODE_ID = 1;

/** -1 (Kafka's "unlimited") as a number the log can compare against. */
function unlimited(v: number): number {
  return v < 0 ? Number.MAX_SAFE_INTEGER : v;
}

export class EmbeddedBroker {
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #settings: BrokerSettings;
  readonly #topics: readonly { name: string; partitions: number; configs?: Readonly<Record<string, string>> }[];
  readonly #publish: (e: BrokerEvent) => void;
  readonly #store: LogStore;
  readonly #groups: GroupCoordinator;
  readonly #producers = new MemoryProducerIds();
  readonly #transactions = new TransactionCoordinator();
  readonly #server: BrokerServer;
  readonly #faults = new FaultGate();
  readonly #down: DownSwitch;
  readonly #groupIndex: GroupIndex;
  readonly #clients: { -readonly [K in keyof ClientEnvironment]: ClientEnvironment[K] };
  readonly clusterId: string;
  #state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  #storeOpened = false;
  #stopping: Promise<void> | null = null;
  #starting: Promise<void> | null = null;

  constructor(options: EmbeddedBrokerOptions = {}) {
    this.#host = options.host ?? '127.0.0.1';
    this.#requestedPort = options.port ?? 9092;
    const retentionBytes = unlimited(options.retentionBytes ?? DEFAULT_RETENTION_BYTES);
    const retentionMs = unlimited(options.retentionMs ?? DEFAULT_RETENTION_MS);
    this.#settings = {
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
      maxRequestBytes: options.maxRequestBytes ?? 100 * 1024 * 1024,
      retentionBytes,
      retentionMs,
      maxMessageBytes: options.maxMessageBytes ?? 1048588,
    };
    this.#topics = options.topics ?? [];
    const publish = options.publish ?? (() => {});
    this.#publish = publish;
    this.#store =
      options.store ??
      new EmbeddedLogStore({
        dataDir: options.dataDir ?? null,
        retentionBytes,
        retentionMs,
        maxMessageBytes: this.#settings.maxMessageBytes,
        ...(options.topicDefaults ? { topicDefaults: options.topicDefaults } : {}),
      });
    this.#groups = new GroupCoordinator({
      store: this.#store,
      // group changes also refresh the client -> group index (paused groups, fetch events)
      publish: (e) => {
        if (e.type === 'broker.group.rebalanced' || e.type === 'broker.group.member.left') this.#groupIndex.invalidate();
        publish(e);
      },
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? 0,
    });
    this.#groupIndex = new GroupIndex(this.#groups);
    this.#clients = { publish, resolver: null, brokerPort: 0, groupIndex: this.#groupIndex };
    if (options.resolveClient) this.#clients.resolver = options.resolveClient;
    else if (options.pidToInstance) this.#clients.resolver = procResolver(options.pidToInstance);
    this.clusterId = randomBytes(16).toString('base64url');
    this.#server = new BrokerServer({
      host: this.#host,
      port: this.#requestedPort,
      apis: createApiRegistry(options.extraApis),
      maxRequestBytes: this.#settings.maxRequestBytes,
      publish: this.#publish,
      context: (port) => this.#context(port),
      client: (address, port) => new ConnectionClient(this.#clients, address, port),
    });
    const server = this.#server;
    this.#down = new DownSwitch({ suspend: () => server.suspend(), resume: () => server.resume(), bootstrap: () => this.bootstrap }, () => this.#faults.down, publish);
    this.#faults.onChange(() => {
      if (this.#state === 'started') void this.#down.sync();
    });
    if (options.faults) this.#faults.use(options.faults);
  }

  /** Applies this fault state from now on (null: no faults; a down broker comes back up). */
  useFaults(state: BrokerFaultState | null): void {
    this.#faults.use(state);
  }

  /**
   * Attributes client connections with this resolver from now on (null: none). Connections
   * already attributed keep their owner.
   */
  useClientResolver(resolver: ClientResolver | null): void {
    this.#clients.resolver = resolver;
  }

  /**
   * Attributes client connections through /proc (Linux) from now on: the process owning each
   * producing or fetching connection, mapped to a service instance by `pidToInstance`.
   */
  usePidLookup(pidToInstance: InstanceOfProcess): void {
    this.#clients.resolver = procResolver(pidToInstance);
  }

  /** Whether the broker is down by a fault (not listening, no connections). */
  get down(): boolean {
    return this.#down.isDown;
  }

  /** "127.0.0.1:PORT", valid after start(). */
  get bootstrap(): string {
    return `${this.#host}:${this.#server.port}`;
  }
  /** The bound port (0 before start). */
  get port(): number {
    return this.#server.port;
  }
  get host(): string {
    return this.#host;
  }
  get store(): LogStore {
    return this.#store;
  }
  get groups(): GroupCoordinator {
    return this.#groups;
  }
  /** transactional ids, open transactions, last stable offsets */
  get transactions(): TransactionCoordinator {
    return this.#transactions;
  }
  /** Open client connections with their client id, remote address and owner when known. */
  connections(): readonly {
    id: number;
    clientId: string | null;
    remote: string;
    requests: number;
    owner?: { pid?: number; service?: string; instance?: number };
  }[] {
    return this.#server.connections().map((c) => {
      const owner = c.client?.owner;
      return { id: c.id, clientId: c.clientId, remote: c.remote, requests: c.requests, ...(owner ? { owner } : {}) };
    });
  }

  /** Opens the store, creates the configured topics, and listens. Throws BrokerListenError for a busy port. */
  start(): Promise<void> {
    if (this.#state !== 'new') return Promise.reject(new Error('EmbeddedBroker.start() called twice'));
    this.#state = 'starting';
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    try {
      await this.#store.open();
      this.#storeOpened = true;
      // before any client: what a crash left open is aborted, aborted transactions are known again
      this.#transactions.recover(this.#store, this.#producers, Date.now());
      if (this.#stopping) throw new Error('the embedded Kafka broker was stopped while starting');
      for (const t of this.#topics) {
        if (!this.#store.topic(t.name)) this.#createTopic(t.name, t.partitions, false, t.configs);
      }
      await this.#groups.start();
      await this.#server.start();
      this.#clients.brokerPort = this.#server.port;
      if (!this.#stopping) {
        this.#state = 'started';
        // a broker-down fault set before start takes effect now
        if (this.#faults.down) await this.#down.sync();
      }
    } catch (error) {
      await this.#shutdown();
      throw error;
    }
    if (this.#stopping) throw new Error('the embedded Kafka broker was stopped while starting');
  }

  /** Closes every connection, timer and file; nothing is left listening. Idempotent, safe during start(). */
  stop(): Promise<void> {
    // A stop during start waits for the start to settle, then undoes whatever it opened.
    this.#stopping ??= (async () => {
      await this.#starting?.catch(() => {});
      await this.#shutdown();
    })();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'stopped';
    this.#faults.close();
    await this.#down.close();
    await this.#server.stop();
    await this.#groups.stop();
    this.#transactions.stop();
    if (this.#storeOpened) {
      this.#storeOpened = false;
      await this.#store.close();
    }
  }

  #createTopic(name: string, partitions: number, auto: boolean, configs?: Readonly<Record<string, string>>): TopicInfo {
    const info = this.#store.createTopic(name, partitions, configs);
    this.#publish({ type: 'broker.topic.created', topic: name, partitions: info.partitions, auto, ts: Date.now() });
    return info;
  }

  #context(port: number): BrokerContext {
    return {
      nodeId: NODE_ID,
      host: this.#host,
      port,
      clusterId: this.clusterId,
      store: this.#store,
      groups: this.#groups,
      options: this.#settings,
      producers: this.#producers,
      transactions: this.#transactions,
      publish: this.#publish,
      now: Date.now,
      faults: this.#faults,
      createTopic: (name, partitions, auto, configs) => this.#createTopic(name, partitions, auto, configs),
      deleteTopic: (name) => {
        const deleted = this.#store.deleteTopic(name);
        if (deleted) {
          this.#producers.forgetTopic(name);
          this.#transactions.forgetTopic(name);
          this.#publish({ type: 'broker.topic.deleted', topic: name, ts: Date.now() });
        }
        return deleted;
      },
    };
  }
}

/** The /proc resolver as a ClientResolver. */
function procResolver(pidToInstance: InstanceOfProcess): ClientResolver {
  const resolver = new ProcClientResolver(pidToInstance);
  return (clientPort, brokerPort) => resolver.resolve(clientPort, brokerPort);
}
