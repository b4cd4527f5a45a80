import type { Admin } from 'kafkajs';
import type { BrokerIntrospection, GroupView, OpenTransactionView, RecordView, TopicView } from '../../core/contracts.js';
import type { KafkaTopicConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import { AdminIntrospection } from './admin-introspection.js';
import { ensureTopics, openAdmin } from './kafka-admin.js';

/**
 * The admin connection a container or external broker keeps while it runs: creates the
 * declared topics, then serves introspection. Introspection calls before open() or after
 * close() see an empty broker rather than an error, so a view polling during start-up or
 * shutdown has nothing to handle.
 */
export class AdminSession implements BrokerIntrospection {
  #admin: Admin | undefined;
  #introspection: AdminIntrospection | undefined;

  async open(brokers: readonly string[], topics: readonly KafkaTopicConfig[], publish: (event: DevmodeEvent) => void): Promise<void> {
    const admin = await openAdmin(brokers);
    this.#admin = admin;
    await ensureTopics(admin, topics, publish);
    this.#introspection = new AdminIntrospection(admin, brokers);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    const admin = this.#admin;
    const introspection = this.#introspection;
    this.#admin = undefined;
    this.#introspection = undefined;
    await introspection?.close();
    await admin?.disconnect().catch(() => {});
  }

  topics(): Promise<TopicView[]> {
    return this.#introspection?.topics() ?? Promise.resolve([]);
  }

  groups(): Promise<GroupView[]> {
    return this.#introspection?.groups() ?? Promise.resolve([]);
  }

  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    return this.#introspection?.recentRecords(topic, partition, limit) ?? Promise.resolve([]);
  }

  transactions(): Promise<OpenTransactionView[]> {
    return this.#introspection?.transactions() ?? Promise.resolve([]);
  }
}
