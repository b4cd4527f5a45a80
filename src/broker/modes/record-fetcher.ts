import { createRequire } from 'node:module';
import type { RecordView } from '../../core/contracts.js';
import { renderBytes } from '../log/render.js';

/*
 * kafkajs has no group-less consumer, and joining a throwaway group just to peek at a
 * partition would show up in every listGroups and cost a rebalance. Its internal Cluster
 * (kafkajs/src/cluster, CommonJS, stable across 2.x) can issue a plain Fetch from a chosen
 * offset, so this file uses it, behind the small typed surface below.
 */
const require = createRequire(import.meta.url);

interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  isControlRecord: boolean;
}
interface KafkajsBroker {
  fetch(request: {
    replicaId?: number;
    isolationLevel?: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: { topicName: string; partitions: { partition: number; errorCode: number; messages: KafkajsRecord[] }[] }[] }>;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>;
}
type ClusterCtor = new (options: Record<string, unknown>) => KafkajsCluster;

/** Bytes asked for per fetch round: enough for a screenful of ordinary records. */
const FETCH_MAX_BYTES = 1024 * 1024;

/**
 * Reads the last records of a partition with plain Fetch requests (no consumer group).
 * One connection pool, opened on first use and closed by close().
 */
export class RecordFetcher {
  readonly #brokers: string[];
  #cluster: Promise<KafkajsCluster> | undefined;

  constructor(brokers: readonly string[]) {
    this.#brokers = [...brokers];
  }

  /**
   * Records with offsets in [from, to), newest last, fetching for at most `budgetMs`
   * (whatever arrived by then is returned).
   */
  async read(topic: string, partition: number, from: number, to: number, budgetMs: number): Promise<RecordView[]> {
    if (to <= from) return [];
    const cluster = await this.#connect();
    await cluster.addTargetTopic(topic);
    const leaders = cluster.findLeaderForPartitions(topic, [partition]);
    const nodeId = Object.keys(leaders)[0];
    if (nodeId === undefined) return [];
    const broker = await cluster.findBroker({ nodeId });
    const deadline = Date.now() + budgetMs;
    const out: RecordView[] = [];
    let next = from;
    while (next < to && Date.now() < deadline) {
      const response = await broker.fetch({
        replicaId: -1,
        isolationLevel: 0,
        maxWaitTime: Math.max(1, Math.min(100, deadline - Date.now())),
        minBytes: 1,
        maxBytes: FETCH_MAX_BYTES,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(next), maxBytes: FETCH_MAX_BYTES }] }],
      });
      const records = response.responses[0]?.partitions[0]?.messages ?? [];
      let advanced = false;
      for (const record of records) {
        const offset = Number(record.offset);
        if (offset < next || offset >= to) continue;
        next = offset + 1;
        advanced = true;
        if (!record.isControlRecord) out.push(toView(record));
      }
      if (!advanced) break;
    }
    return out;
  }

  async close(): Promise<void> {
    const cluster = this.#cluster;
    this.#cluster = undefined;
    if (cluster) await cluster.then((c) => c.disconnect()).catch(() => {});
  }

  #connect(): Promise<KafkajsCluster> {
    if (!this.#cluster) {
      const Cluster = require('kafkajs/src/cluster/index.js') as ClusterCtor;
      const { createLogger, LEVELS } = require('kafkajs/src/loggers/index.js') as {
        createLogger(o: { level: number; logCreator: () => () => void }): unknown;
        LEVELS: { NOTHING: number };
      };
      const socketFactory = (require('kafkajs/src/network/socketFactory.js') as () => unknown)();
      const cluster = new Cluster({
        logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => {} }),
        socketFactory,
        brokers: this.#brokers,
        clientId: 'devmode-introspection',
        connectionTimeout: 2000,
        requestTimeout: 5000,
        enforceRequestTimeout: true,
        retry: { retries: 0 },
        metadataMaxAge: 60_000,
        allowAutoTopicCreation: false,
      });
      const connecting = cluster.connect().then(() => cluster);
      // a failed connection is not cached: the next call tries again
      connecting.catch(() => {
        if (this.#cluster === connecting) this.#cluster = undefined;
      });
      this.#cluster = connecting;
    }
    return this.#cluster;
  }
}

function toView(record: KafkajsRecord): RecordView {
  const headers: RecordView['headers'] = [];
  for (const [key, raw] of Object.entries(record.headers)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      headers.push({ key, value: value == null ? null : renderBytes(Buffer.isBuffer(value) ? value : Buffer.from(value)) });
    }
  }
  return {
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: renderBytes(record.key ?? null),
    value: renderBytes(record.value ?? null),
    headers,
    // kafkajs decodes batches without handing back their attributes
    compression: 'unknown',
  };
}
