/** A kafkajs consumer reading a topic from the start, for the transaction tests. */
import { onTestFinished } from 'vitest';
import type { Kafka } from 'kafkajs';

/**
 * The values a consumer of `groupId` gets from the start of `topic` once `count` came,
 * plus any that come in the next half second (an aborted record would show up then).
 */
export async function consumeValues(kafka: Kafka, topic: string, groupId: string, readUncommitted: boolean, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  const deadline = Date.now() + 20_000;
  while (values.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
  await consumer.stop();
  return values;
}
