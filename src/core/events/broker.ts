/**
 * Events from the Kafka broker (any mode) for views. Owned by broker/.
 * Rates and per-message detail are not events (too many): views read them through
 * the BrokerIntrospection interface; events mark changes worth a line.
 */
export type BrokerEvent =
  /** The broker is serving (mode chosen and why, bootstrap servers). */
  | { type: 'broker.started'; mode: 'embedded' | 'container' | 'external'; bootstrap: string; reason: string; ts: number }
  | { type: 'broker.stopped'; ts: number }
  /**
   * The broker was taken down by a fault (broker down): every client connection was closed
   * and new ones are refused until `broker.up`. The log is kept.
   */
  | { type: 'broker.down'; reason: string; connectionsClosed: number; ts: number }
  /** The broker listens again after `broker.down`, on the same address. */
  | { type: 'broker.up'; bootstrap: string; downForMs: number; ts: number }
  | { type: 'broker.topic.created'; topic: string; partitions: number; auto: boolean; ts: number }
  | { type: 'broker.topic.deleted'; topic: string; ts: number }
  /**
   * Records appended (one event per produce request per partition, not per record).
   * `service`/`instance`: the service instance whose process owns the producing connection,
   * when known. `traceparents`: W3C trace context headers of the batch's records, only for
   * small uncompressed batches (never decoded on the bulk path).
   */
  | {
      type: 'broker.append';
      topic: string;
      partition: number;
      baseOffset: number;
      count: number;
      bytes: number;
      clientId: string;
      service?: string;
      instance?: number;
      traceparents?: string[];
      ts: number;
    }
  /**
   * A client fetched from a partition: at most one event per connection and partition per
   * second (the first fetch at once, then a summary of what was returned since the last event).
   * `group`: the consumer group the connection's client belongs to, when known.
   */
  | {
      type: 'broker.fetch';
      topic: string;
      partition: number;
      clientId: string;
      group?: string;
      service?: string;
      instance?: number;
      /** the fetch offset of the latest fetch, and the partition's high watermark then */
      offset: number;
      highWatermark: number;
      /** bytes and batches returned since the previous event of this connection and partition */
      bytes: number;
      batches: number;
      ts: number;
    }
  /**
   * A client connection was traced to the process that owns it (once per connection that
   * produces or fetches); service and instance absent when the process is not a managed one.
   */
  | { type: 'broker.client.attributed'; remote: string; clientId: string | null; pid: number | null; service?: string; instance?: number; ts: number }
  /** A consumer group finished a rebalance (new generation, its members and assignments). */
  | {
      type: 'broker.group.rebalanced';
      group: string;
      generation: number;
      members: { memberId: string; clientId: string; host: string }[];
      ts: number;
    }
  | { type: 'broker.group.member.left'; group: string; memberId: string; reason: 'leave' | 'session-timeout' | 'rebalance-timeout'; ts: number }
  /**
   * Something a client did that the broker could not serve, or answered with an error code
   * clients commonly misreport: an unsupported API or version (the connection is closed, as
   * Kafka does), a malformed or oversized request, a produce refused. Bounded: the same
   * problem of the same client is published at most once per window, with `repeats` counting
   * the ones held back since the previous event. Client ids and messages are raw: escape
   * them before printing.
   */
  | {
      type: 'broker.client.error';
      remote: string;
      clientId: string | null;
      kind: ClientProblemKind;
      /** the API's name ("Produce"; "key 57" when unknown) and the version asked, when known */
      api?: string;
      version?: number;
      /** what happened */
      message: string;
      /** what to do about it */
      hint: string;
      /** the connection was closed because of it */
      closed: boolean;
      /** how many like it (same client, same problem) were held back before this one */
      repeats?: number;
      service?: string;
      instance?: number;
      ts: number;
    };

/** What kind of client problem a `broker.client.error` is. */
export type ClientProblemKind =
  | 'unsupported-api'
  | 'unsupported-version'
  | 'malformed'
  | 'oversized'
  | 'not-kafka'
  | 'handler-failed'
  | 'refused'
  | 'unsupported-feature';
