import type { Admin } from 'kafkajs';
import type { RecordView } from '../core/contracts.js';
import { RecordFetcher } from '../broker/modes/record-fetcher.js';

/** A record as the harness hands it to tests: where it is, and its key, value and headers as text. */
export interface Message {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  /** as text (JSON pretty-printed; binary as a hex preview; cut at 4 KiB): use `json` to read JSON */
  value: string | null;
  headers: Record<string, string | null>;
  /** the value parsed as JSON, or undefined when it is not JSON */
  json: unknown;
}

/** topic -> partition -> offset */
export type Offsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** How long one read of a partition may take before returning what it has. */
const READ_BUDGET_MS = 2000;

/**
 * Reads the system's Kafka as a plain client would, whatever the broker's mode: end
 * offsets through the admin API, records with group-less Fetch requests from a chosen
 * offset (the broker part's RecordFetcher), so a wait joins no consumer group, causes no
 * rebalance and misses nothing between "from here" and the produce it waits for.
 */
export class BrokerReader {
  readonly #brokers: string[];
  readonly #fetcher: RecordFetcher;
  #admin: Promise<Admin> | undefined;
  #closed = false;

  constructor(bootstrap: string) {
    this.#brokers = bootstrap.split(',').filter(Boolean);
    this.#fetcher = new RecordFetcher(this.#brokers);
  }

  /** End offsets (high watermarks) of the given topics, or of every topic but Kafka's own. */
  async endOffsets(topics?: readonly string[]): Promise<Map<string, Map<number, number>>> {
    const admin = await this.#connect();
    const names = topics ?? (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    const out = new Map<string, Map<number, number>>();
    await Promise.all(
      names.map(async (topic) => {
        const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
        out.set(topic, new Map(offsets.map((o) => [o.partition, Number(o.high)])));
      }),
    );
    return out;
  }

  /**
   * Every record of `topic` from `from` (per partition; a partition not in it from its
   * start) up to the end now, partition by partition, oldest first within each.
   */
  async read(topic: string, from: ReadonlyMap<number, number> | undefined): Promise<Message[]> {
    const ends = (await this.endOffsets([topic])).get(topic) ?? new Map<number, number>();
    const out: Message[] = [];
    for (const [partition, end] of [...ends].sort((a, b) => a[0] - b[0])) {
      const start = from?.get(partition) ?? 0;
      if (end <= start) continue;
      const records = await this.#fetcher.read(topic, partition, start, end, READ_BUDGET_MS);
      for (const record of records) out.push(toMessage(topic, partition, record));
    }
    return out;
  }

  /** Deletes consumer groups (those with members are refused by Kafka and left). */
  async deleteGroups(groups: readonly string[]): Promise<void> {
    if (groups.length === 0) return;
    const admin = await this.#connect();
    await admin.deleteGroups([...groups]).catch(() => {});
  }

  /** Deletes topics (for topics a test created; the system's own keep their consumers). */
  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.#connect();
    await admin.deleteTopics({ topics: [...topics], timeout: 5000 }).catch(() => {});
  }

  async listGroups(): Promise<{ groupId: string; members: number }[]> {
    const admin = await this.#connect();
    const { groups } = await admin.listGroups();
    if (groups.length === 0) return [];
    const described = await admin.describeGroups(groups.map((g) => g.groupId));
    return described.groups.map((g) => ({ groupId: g.groupId, members: g.members.length }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fetcher.close();
    const admin = await this.#admin?.catch(() => undefined);
    await admin?.disconnect().catch(() => {});
  }

  #connect(): Promise<Admin> {
    if (this.#closed) return Promise.reject(new Error('the system was stopped'));
    if (!this.#admin) {
      const connecting = (async () => {
        const { Kafka, logLevel } = await import('kafkajs');
        const kafka = new Kafka({ clientId: 'devmode-harness', brokers: this.#brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 3, initialRetryTime: 100 } });
        const admin = kafka.admin();
        await admin.connect();
        return admin;
      })();
      // a failed connection is not kept: the next call tries again
      connecting.catch(() => {
        if (this.#admin === connecting) this.#admin = undefined;
      });
      this.#admin = connecting;
    }
    return this.#admin;
  }
}

function toMessage(topic: string, partition: number, record: RecordView): Message {
  const headers: Record<string, string | null> = {};
  for (const h of record.headers) headers[h.key] = h.value;
  let json: unknown;
  if (record.value !== null) {
    try {
      json = JSON.parse(record.value);
    } catch {
      json = undefined;
    }
  }
  return { topic, partition, offset: record.offset, timestamp: record.timestamp, key: record.key, value: record.value, headers, json };
}
