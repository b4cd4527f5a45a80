/**
 * Events from the Kafka broker (any mode) for views. Owned by broker/.
 * Rates and per-message detail are not events (too many): views read them through
 * the BrokerIntrospection interface; events mark changes worth a line.
 */
export type BrokerEvent =
  /** The broker is serving (mode chosen and why, bootstrap servers). */
  | { type: 'broker.started'; mode: 'embedded' | 'container' | 'external'; bootstrap: string; reason: string; ts: number }
  | { type: 'broker.stopped'; ts: number }
  | { type: 'broker.topic.created'; topic: string; partitions: number; auto: boolean; ts: number }
  | { type: 'broker.topic.deleted'; topic: string; ts: number }
  /** Records appended (one event per produce request per partition, not per record). */
  | { type: 'broker.append'; topic: string; partition: number; baseOffset: number; count: number; bytes: number; clientId: string; ts: number }
  /** A consumer group finished a rebalance (new generation, its members and assignments). */
  | {
      type: 'broker.group.rebalanced';
      group: string;
      generation: number;
      members: { memberId: string; clientId: string; host: string }[];
      ts: number;
    }
  | { type: 'broker.group.member.left'; group: string; memberId: string; reason: 'leave' | 'session-timeout' | 'rebalance-timeout'; ts: number }
  /** A malformed or unsupported request from a client; that connection only was affected. */
  | { type: 'broker.client.error'; remote: string; clientId: string | null; message: string; ts: number };
