import type { Producer } from 'kafkajs';
import type { ProduceInput } from '../core/contracts.js';

/**
 * Produces a view's message (the TUI's produce, `POST /topics/:t/messages`) through the
 * system's Kafka with a kafkajs producer, whatever the broker's mode. Connected on first
 * use: most sessions never produce by hand, and kafkajs costs start-up time.
 */
export class MessageProducer {
  readonly #bootstrap: () => string;
  #producer: Promise<Producer> | undefined;
  #closed = false;

  constructor(bootstrap: () => string) {
    this.#bootstrap = bootstrap;
  }

  async produce(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }> {
    if (this.#closed) throw Object.assign(new Error('devmode is stopping'), { userError: true, status: 503 });
    let producer: Producer;
    try {
      producer = await (this.#producer ??= this.#connect());
    } catch (error) {
      this.#producer = undefined;
      throw cannot(message.topic, error);
    }
    try {
      const [result] = await producer.send({
        topic: message.topic,
        acks: -1,
        timeout: 5000,
        messages: [
          {
            ...(message.partition !== undefined ? { partition: message.partition } : {}),
            key: message.key ?? null,
            value: message.value,
            ...(message.headers ? { headers: message.headers } : {}),
          },
        ],
      });
      return { topic: message.topic, partition: result?.partition ?? message.partition ?? 0, offset: Number(result?.baseOffset ?? result?.offset ?? -1) };
    } catch (error) {
      throw cannot(message.topic, error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const producer = await this.#producer?.catch(() => undefined);
    await producer?.disconnect().catch(() => {});
  }

  async #connect(): Promise<Producer> {
    const { Kafka, logLevel, Partitioners } = await import('kafkajs');
    const kafka = new Kafka({ clientId: 'devmode-produce', brokers: this.#bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2, initialRetryTime: 100 } });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
    await producer.connect();
    return producer;
  }
}

function cannot(topic: string, error: unknown): Error {
  const why = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(`could not produce to ${topic}: ${why}`), { userError: true, status: 503, hint: 'is the broker up? (a broker-down fault, or the broker stopped)' });
}
