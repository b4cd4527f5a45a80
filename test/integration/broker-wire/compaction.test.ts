/**
 * Compacted topics as clients see them: kcat (librdkafka) produces keyed records and
 * tombstones, the broker's cleaner compacts on the schedule the topic's configs give, and
 * kcat, kafkajs and @platformatic/kafka all read the exact same record set at the same offsets.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { waitFor } from '../../helpers/processes.js';
import { consumer as platformaticConsumer } from '../broker-platformatic/clients.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

async function readAll(bootstrap: string, topic: string): Promise<string> {
  const r = await kcat(bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e', '-Z', '-f', '%o:%k=%s\n']);
  expect(r.exitCode, describeKcat(r)).toBe(0);
  return r.stdout;
}

async function eventually(bootstrap: string, topic: string, expected: string, what: string): Promise<void> {
  let last = '';
  await waitFor(async () => (last = await readAll(bootstrap, topic)) === expected, what, 20_000, 300).catch((e: Error) => {
    throw new Error(`${e.message}; last read:\n${last}`);
  });
}

describe('compacted topics', () => {
  itKcat('keeps the latest value per key at its offset, then drops tombstones after delete.retention.ms', async () => {
    const { bootstrap } = await startTestBroker();
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({
      topics: [
        {
          topic: 'users',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.ms', value: '200' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '3000' },
          ],
        },
      ],
    });
    // kcat -Z sends an empty value as null: a tombstone
    const p = await kcat(bootstrap, ['-P', '-t', 'users', '-K:', '-Z'], 'ann:v1\nbob:v1\nann:v2\ncid:v1\nbob:\nann:v3\n');
    expect(p.exitCode, describeKcat(p)).toBe(0);
    await eventually(bootstrap, 'users', '3:cid=v1\n4:bob=NULL\n5:ann=v3\n', 'compaction keeping the tombstone');

    // a consumer group reading from the beginning sees exactly that (kafkajs)
    const c = kafka.consumer({ groupId: 'reader' });
    await c.connect();
    onTestFinished(() => c.disconnect());
    await c.subscribe({ topic: 'users', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void c.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.offset}:${message.key?.toString()}=${message.value?.toString() ?? 'NULL'}`);
          if (seen.length === 3) resolve();
        },
      });
    });
    expect(seen).toEqual(['3:cid=v1', '4:bob=NULL', '5:ann=v3']);

    await eventually(bootstrap, 'users', '3:cid=v1\n5:ann=v3\n', 'the tombstone removed after delete.retention.ms');
    // new records keep their offsets after the gaps
    expect((await kcat(bootstrap, ['-P', '-t', 'users', '-K:'], 'cid:v2\n')).exitCode).toBe(0);
    await eventually(bootstrap, 'users', '5:ann=v3\n6:cid=v2\n', 'cid superseded');

    // @platformatic/kafka reads the same set
    const pk = platformaticConsumer(bootstrap, 'pk-reader');
    const stream = await pk.consume({ topics: ['users'], mode: 'earliest', autocommit: false });
    const got: string[] = [];
    for await (const m of stream) {
      got.push(`${m.offset}:${m.key}=${m.value}`);
      if (got.length === 2) break;
    }
    expect(got).toEqual(['5:ann=v3', '6:cid=v2']);
  });

  itKcat('refuses a record without a key on a compacted topic, and tells the user why', async () => {
    const { bootstrap, events } = await startTestBroker({ topics: [{ name: 'state', partitions: 1, configs: { 'cleanup.policy': 'compact' } }] });
    const r = await kcat(bootstrap, ['-P', '-t', 'state', '-X', 'message.send.max.retries=0', '-X', 'client.id=keyless'], 'no-key\n');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/failed to validate record/);
    const problem = events.find((e) => e.type === 'broker.client.error' && e.clientId === 'keyless');
    expect(problem && problem.type === 'broker.client.error' ? problem.message : '').toMatch(/compacted topic needs a key/);
  });
});
