// A read side over the `orders` topic: on start, each instance reads every order event
// from the beginning, so its history survives a restart or a reload (its memory does not).
// A new subscriber sees all events, past and future: the past is read here, once, up to
// the end the topic had when we started; the future comes through the group consumer
// (orders-consumer.mjs). Adding an order twice is harmless (UserState is idempotent).
import { Kafka, logLevel } from 'kafkajs';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').filter(Boolean);

/** Reads `orders` from the beginning to its current end; resolves with the number of events read. */
export async function replayOrders(onOrder, { timeoutMs = 10_000 } = {}) {
  const kafka = new Kafka({
    clientId: `${process.env.SERVICE_NAME ?? 'user'}-${process.env.SERVICE_INSTANCE ?? '0'}-history`,
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 5 },
  });
  const admin = kafka.admin();
  await admin.connect();
  // Its own group, so it gets every partition; never committed, deleted when done.
  const groupId = `user-history-${process.env.SERVICE_INSTANCE ?? '0'}-${process.pid}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, heartbeatInterval: 500 });
  let read = 0;
  try {
    const ends = new Map((await admin.fetchTopicOffsets('orders')).map((p) => [p.partition, BigInt(p.high)]));
    const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
    if (pending.size === 0) return 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not at the end of orders within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            read++;
            try {
              onOrder(JSON.parse(message.value.toString()));
            } catch (error) {
              console.error(`history: skipping a malformed order event at partition ${partition} offset ${message.offset}: ${error.message}`);
            }
            if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n)) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return read;
  } finally {
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
