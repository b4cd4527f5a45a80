import { PassThrough } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runStandalone } from '../../../src/broker/standalone.js';
import { waitFor } from './helpers.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('devmode kafka (standalone)', () => {
  it('prints ready, topic and rebalance lines, and stops when the signal aborts', async () => {
    const out = capture();
    const err = capture();
    const abort = new AbortController();
    onTestFinished(() => abort.abort());
    const exit = runStandalone({ port: 0 }, { stdout: out.stream, stderr: err.stream, signal: abort.signal });

    const ready = await waitFor('the ready line', () => /^kafka ready on (127\.0\.0\.1:\d+) \(embedded, in memory\)$/m.exec(out.text()) ?? undefined);
    const bootstrap = ready[1]!;
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] });
    await waitFor('the topic line', () => (out.text().includes('topic events created (2 partitions)\n') ? true : undefined));

    const consumer = kafka.consumer({ groupId: 'watchers', maxWaitTimeInMs: 200 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'events' });
    await consumer.run({ eachMessage: async () => {} });
    await waitFor('the rebalance line', () => (/^group watchers rebalanced: generation \d+, 1 member \(.+\)$/m.test(out.text()) ? true : undefined), 20_000);
    await consumer.disconnect();
    await admin.disconnect();

    abort.abort();
    expect(await exit).toBe(0);
    expect(err.text()).toBe('');
  });

  it('exits 1 with one line when the port is taken', async () => {
    const first = capture();
    const abort = new AbortController();
    onTestFinished(() => abort.abort());
    const running = runStandalone({ port: 0 }, { stdout: first.stream, stderr: capture().stream, signal: abort.signal });
    const ready = await waitFor('the ready line', () => /kafka ready on 127\.0\.0\.1:(\d+)/.exec(first.text()) ?? undefined);
    const port = Number(ready[1]);

    const err = capture();
    const code = await runStandalone({ port }, { stdout: capture().stream, stderr: err.stream, signal: new AbortController().signal });
    expect(code).toBe(1);
    expect(err.text()).toBe(`devmode kafka: port ${port} is in use on 127.0.0.1; stop what uses it or pass --port N\n`);
    abort.abort();
    expect(await running).toBe(0);
  });
});
