import { Kafka, logLevel, Partitioners } from 'kafkajs';

/** Seconds sent before measuring, so JIT warm-up and first-fetch positioning are not counted. */
const WARMUP_SECONDS = 1;

/**
 * kafkajs end to end: one producer sends one message at a time at `rate` msg/s for
 * `seconds` (after a warm-up); a consumer (a group, in this process) measures
 * send-to-receive time from a timestamp in each value. Resolves with latencies in ms and
 * how many measured messages were lost.
 */
export async function kafkajsLatency(bootstrap: string, topic: string, rate: number, seconds: number): Promise<{ latencies: number[]; lost: number }> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 500 });
  const latencies: number[] = [];
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const text = message.value!.toString();
        if (text.startsWith('w')) return; // warm-up
        latencies.push(Number(process.hrtime.bigint() - BigInt(text)) / 1e6);
      },
    });
    await joined;
    const warmup = rate * WARMUP_SECONDS;
    const total = rate * seconds;
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < warmup + total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const value = i < warmup ? `w${i}` : process.hrtime.bigint().toString();
      sends.push(producer.send({ topic, acks: 1, messages: [{ value }] }));
    }
    await Promise.all(sends);
    const deadline = Date.now() + 5000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return { latencies, lost: total - latencies.length };
  } finally {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
  }
}

/** The p-th percentile (0-100) of a sample, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
