import type { BrokerIntrospection, GroupView, OpenTransactionView, RecordView, TopicView } from '../../core/contracts.js';

/**
 * A stable BrokerIntrospection handed to views before the broker behind it is decided
 * (auto mode) or rebuilt (a port retry). With no target it reports an empty broker.
 */
export class SwitchableIntrospection implements BrokerIntrospection {
  target: BrokerIntrospection | undefined;

  topics(): Promise<TopicView[]> {
    return this.target?.topics() ?? Promise.resolve([]);
  }

  groups(): Promise<GroupView[]> {
    return this.target?.groups() ?? Promise.resolve([]);
  }

  recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    return this.target?.recentRecords(topic, partition, limit) ?? Promise.resolve([]);
  }

  transactions(): Promise<OpenTransactionView[]> {
    return this.target?.transactions() ?? Promise.resolve([]);
  }
}
