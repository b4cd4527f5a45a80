/**
 * @platformatic/kafka 1.x clients for one test, closed when it finishes. The client speaks
 * only flexible protocol versions (KIP-482), so these tests exercise the broker's compact
 * encodings and tagged fields with a real client. Timeouts are short so that a broker that
 * does not answer fails the test quickly instead of retrying for minutes.
 */
import { onTestFinished } from 'vitest';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { waitFor } from '../../helpers/processes.js';

/** Options every client shares: fail fast, retry briefly. */
function base(bootstrap: string, clientId: string) {
  return { clientId, bootstrapBrokers: [bootstrap], timeout: 5_000, retries: 3, retryDelay: 100 };
}

export type StringProducer = Producer<string, string, string, string>;
export type StringConsumer = Consumer<string, string, string, string>;
export type StringMessage = Message<string, string, string, string>;
export type StringStream = MessagesStream<string, string, string, string>;

export function producer(bootstrap: string, clientId = 'pk-producer', idempotent = false): StringProducer {
  const p = new Producer({ ...base(bootstrap, clientId), serializers: stringSerializers, idempotent });
  onTestFinished(() => p.close(true));
  return p;
}

/**
 * A group consumer with short session and heartbeat times (the broker accepts them) and a
 * short max wait: a parked fetch delays the consumer's next loop.
 */
export function consumer(bootstrap: string, groupId: string, clientId = 'pk-consumer'): StringConsumer {
  const c = new Consumer({
    ...base(bootstrap, clientId),
    groupId,
    deserializers: stringDeserializers,
    sessionTimeout: 6_000,
    rebalanceTimeout: 6_000,
    heartbeatInterval: 300,
    maxWaitTime: 100,
  });
  onTestFinished(() => c.close(true));
  return c;
}

export function admin(bootstrap: string): Admin {
  const a = new Admin(base(bootstrap, 'pk-admin'));
  onTestFinished(() => a.close());
  return a;
}

/** Collects every message a stream delivers (and the first stream error, for assertion messages). */
export class Collected {
  readonly messages: StringMessage[] = [];
  error: Error | undefined;
  /** Fetch round trips the stream completed: one after an assignment change means the stream fetches by the new one. */
  fetches = 0;

  constructor(stream: StringStream) {
    stream.on('data', (m) => this.messages.push(m));
    stream.on('error', (e) => (this.error ??= e));
    stream.on('fetch', () => this.fetches++);
  }

  values(): string[] {
    return this.messages.map((m) => m.value);
  }

  /** Waits until the messages include every one of `values`. */
  async waitForValues(values: readonly string[], timeoutMs = 20_000): Promise<void> {
    const missing = () => values.filter((v) => !this.messages.some((m) => m.value === v));
    await waitFor(() => missing().length === 0, `messages ${values.join(', ')}`, timeoutMs).catch((e: Error) => {
      throw new Error(`${e.message}; missing ${missing().join(', ')}; stream error: ${this.error?.message}`);
    });
  }

  /** Waits until the stream completed one more fetch than now. */
  async nextFetch(timeoutMs = 10_000): Promise<void> {
    const mark = this.fetches;
    await waitFor(() => this.fetches > mark, 'the stream to complete a fetch', timeoutMs);
  }

  /** Waits until `count` messages came; fails with what did come and the stream's error. */
  async waitFor(count: number, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => this.messages.length >= count, `${count} messages`, timeoutMs).catch((e: Error) => {
      throw new Error(`${e.message}; got ${this.messages.length}: ${JSON.stringify(this.values())}; stream error: ${this.error?.message}`);
    });
  }
}
