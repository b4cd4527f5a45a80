/**
 * No acknowledged message is lost when the broker process is killed with SIGKILL mid-produce
 * and restarted on the same data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { killBrokerProcess, startBrokerProcess } from '../../helpers/broker-process.js';
import { Kafka, logLevel } from 'kafkajs';

describe('embedded broker with a data directory', () => {
  it('keeps every acknowledged message across kill -9 and restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devmode-crash-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));

    const first = await startBrokerProcess(dir);
    const kafka = new Kafka({ clientId: 'crash-test', brokers: [`127.0.0.1:${first.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } });
    await producer.connect();
    const acked = new Set<string>();
    let next = 0;
    let stop = false;
    // Several senders, so batches are in flight when the broker dies.
    const sender = async () => {
      while (!stop) {
        const values = Array.from({ length: 20 }, () => `m-${next++}`);
        try {
          await producer.send({ topic: 'events', acks: -1, messages: values.map((value) => ({ key: value, value })) });
          for (const v of values) acked.add(v);
        } catch {
          return; // the broker is gone
        }
      }
    };
    const senders = [sender(), sender(), sender()];
    await expect.poll(() => acked.size, { timeout: 20_000, interval: 5 }).toBeGreaterThan(3000);
    await killBrokerProcess(first.child);
    stop = true;
    await Promise.all(senders);
    await producer.disconnect().catch(() => {});
    expect(acked.size).toBeGreaterThan(3000);

    const second = await startBrokerProcess(dir);
    const kafka2 = new Kafka({ clientId: 'crash-check', brokers: [`127.0.0.1:${second.port}`], logLevel: logLevel.NOTHING });
    const consumer = kafka2.consumer({ groupId: 'check', maxWaitTimeInMs: 100 });
    onTestFinished(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic: 'events', fromBeginning: true });
    const seen = new Set<string>();
    let duplicates = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString();
        if (seen.has(v)) duplicates++;
        seen.add(v);
      },
    });
    await expect.poll(() => [...acked].filter((v) => !seen.has(v)).length, { timeout: 30_000, interval: 50 }).toBe(0);
    // Idempotence: no message stored twice.
    expect(duplicates).toBe(0);
  });
});
