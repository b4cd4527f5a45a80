import { createRequire } from 'node:module';
import type { Admin, GroupDescription } from 'kafkajs';
import type { BrokerIntrospection, GroupView, OpenTransactionView, RecordView, TopicView } from '../../core/contracts.js';
import { RateMeter } from './rate-meter.js';
import { RecordFetcher } from './record-fetcher.js';

/** How long recentRecords may spend fetching before returning what it has. */
const RECENT_RECORDS_BUDGET_MS = 1500;

/**
 * The broker view for a Kafka devmode did not write (container and external modes), read
 * through the kafkajs admin API. What Kafka's admin protocol does not expose is reported
 * as the contract allows: sizeBytes and bytesPerSec 0, generation -1, no last stable
 * offset, no open transactions (kafkajs has no DescribeTransactions).
 */
export class AdminIntrospection implements BrokerIntrospection {
  readonly #admin: Admin;
  readonly #fetcher: RecordFetcher;
  readonly #rates = new RateMeter();
  readonly #now: () => number;

  constructor(admin: Admin, brokers: readonly string[], now: () => number = Date.now) {
    this.#admin = admin;
    this.#fetcher = new RecordFetcher(brokers);
    this.#now = now;
  }

  async topics(): Promise<TopicView[]> {
    const names = (await this.#admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
    const now = this.#now();
    const views = await Promise.all(
      names.map(async (name): Promise<TopicView> => {
        const offsets = await this.#admin.fetchTopicOffsets(name);
        const partitions = offsets
          .map((o) => ({ partition: o.partition, logStartOffset: Number(o.low), highWatermark: Number(o.high), sizeBytes: 0 }))
          .sort((a, b) => a.partition - b.partition);
        const total = partitions.reduce((sum, p) => sum + p.highWatermark, 0);
        return { name, partitions, messagesPerSec: this.#rates.rate(name, total, now), bytesPerSec: 0 };
      }),
    );
    this.#rates.retain(new Set(names));
    return views;
  }

  async groups(): Promise<GroupView[]> {
    const { groups } = await this.#admin.listGroups();
    if (groups.length === 0) return [];
    const ids = groups.map((g) => g.groupId).sort();
    const described = await this.#admin.describeGroups(ids);
    const highWatermarks = new Map<string, Promise<Map<number, number>>>();
    const hwOf = (topic: string) => {
      let hw = highWatermarks.get(topic);
      if (!hw) {
        hw = this.#admin
          .fetchTopicOffsets(topic)
          .then((offsets) => new Map(offsets.map((o) => [o.partition, Number(o.high)])));
        highWatermarks.set(topic, hw);
      }
      return hw;
    };
    return Promise.all(described.groups.map((group) => this.#groupView(group, hwOf)));
  }

  async recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    const offsets = await this.#admin.fetchTopicOffsets(topic);
    const entry = offsets.find((o) => o.partition === partition);
    if (!entry || limit <= 0) return [];
    const high = Number(entry.high);
    const from = Math.max(Number(entry.low), high - limit);
    const records = await this.#fetcher.read(topic, partition, from, high, RECENT_RECORDS_BUDGET_MS);
    return records.slice(-limit);
  }

  async transactions(): Promise<OpenTransactionView[]> {
    return [];
  }

  /** Closes the record fetcher's connections (the admin client belongs to the caller). */
  async close(): Promise<void> {
    await this.#fetcher.close();
  }

  async #groupView(group: GroupDescription, hwOf: (topic: string) => Promise<Map<number, number>>): Promise<GroupView> {
    const committed = await this.#admin.fetchOffsets({ groupId: group.groupId }).catch(() => []);
    const offsets: GroupView['offsets'] = [];
    for (const { topic, partitions } of committed) {
      const hw = await hwOf(topic).catch(() => new Map<number, number>());
      for (const { partition, offset } of partitions) {
        const value = Number(offset);
        if (value < 0) continue; // -1: nothing committed for this partition
        const highWatermark = hw.get(partition) ?? value;
        offsets.push({ topic, partition, committed: value, highWatermark, lag: Math.max(0, highWatermark - value) });
      }
    }
    offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return {
      groupId: group.groupId,
      state: groupState(group.state),
      // DescribeGroups has no generation field in the versions kafkajs speaks
      generation: -1,
      protocol: group.protocol || null,
      members: group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignments: decodeAssignments(m.memberAssignment),
      })),
      offsets,
    };
  }
}

function groupState(state: string): GroupView['state'] {
  switch (state) {
    case 'Empty':
    case 'PreparingRebalance':
    case 'CompletingRebalance':
    case 'Stable':
    case 'Dead':
      return state;
    case 'AwaitingSync': // the pre-2.0 name of CompletingRebalance
      return 'CompletingRebalance';
    default:
      return 'Unknown';
  }
}

function decodeAssignments(bytes: Buffer): GroupView['members'][number]['assignments'] {
  if (bytes.length === 0) return [];
  try {
    const decoded = assignerProtocol().MemberAssignment.decode(bytes);
    if (!decoded) return [];
    return Object.entries(decoded.assignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    // a non-consumer protocol (connect, a custom assignor): no assignment we can read
    return [];
  }
}

/** kafkajs's assignment decoder, loaded on first use (kafkajs is only needed outside embedded mode). */
function assignerProtocol(): typeof import('kafkajs').AssignerProtocol {
  return (createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs')).AssignerProtocol;
}
