import { Kafka, logLevel, type Producer } from 'kafkajs';

/** Records per send: kafkajs batches one send into one request per partition. */
const PER_SEND = 100;

/**
 * kafkajs produce of `messages` records of `bytes` bytes into a fresh one-partition topic,
 * PER_SEND records per send, one send at a time (idempotent, acks=all). Plain, or
 * transactional with a commit every `commitEvery` records (a transaction's
 * AddPartitionsToTxn, its sends, EndTxn and the marker it writes). The same client and
 * records either way, so the ratio is what transactions cost. Resolves with milliseconds
 * from the first send to the last acknowledgement (or commit).
 */
export async function kafkajsProduce(bootstrap: string, topic: string, messages: number, bytes: number, commitEvery: number | null): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-txn', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, ...(commitEvery !== null ? { transactionalId: `bench-${topic}` } : {}) });
  await producer.connect();
  try {
    const batch = Array.from({ length: PER_SEND }, () => ({ value: Buffer.alloc(bytes, 'x') }));
    const start = performance.now();
    if (commitEvery === null) for (let sent = 0; sent < messages; sent += PER_SEND) await producer.send({ topic, acks: -1, messages: batch });
    else await transactional(producer, topic, batch, messages, commitEvery);
    return performance.now() - start;
  } finally {
    await producer.disconnect();
  }
}

async function transactional(producer: Producer, topic: string, batch: { value: Buffer }[], messages: number, commitEvery: number): Promise<void> {
  let sent = 0;
  while (sent < messages) {
    const txn = await producer.transaction();
    const end = Math.min(messages, sent + commitEvery);
    for (; sent < end; sent += PER_SEND) await txn.send({ topic, acks: -1, messages: batch });
    await txn.commit();
  }
}
