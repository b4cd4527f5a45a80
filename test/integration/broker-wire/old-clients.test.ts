/**
 * Old clients against the embedded broker: what Kafka 3.9 still served and Kafka 4 dropped
 * (KIP-896). librdkafka without ApiVersions (broker.version.fallback) speaks the message
 * formats of 0.8-0.10; sarama 1.22 commits with OffsetCommit v1.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { crc32, gzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { legacyMessage } from '../../../src/broker/log/legacy-records.js';
import { RawClient } from './raw-client.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

/** What each API's lowest version was in Kafka 3.9 (all 0), for the APIs served here. */
const KAFKA_39_MIN: Record<number, number> = { 0: 0, 1: 0, 2: 0, 3: 0, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0, 13: 0, 14: 0, 15: 0, 16: 0, 18: 0, 19: 0, 20: 0, 22: 0, 32: 0, 42: 0 };

async function request(c: RawClient, key: number, version: number, body: Buffer): Promise<Reader> {
  c.send(RawClient.frame(key, version, 42, body));
  const frame = await c.next();
  if (!frame) throw new Error(`the broker closed the connection on key ${key} v${version}`);
  const r = new Reader(frame);
  expect(r.int32()).toBe(42);
  return r;
}

function keyed(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `k${i}:value-${i}\n`;
  return s;
}

describe('old clients (Kafka 3.9 versions)', () => {
  it('advertises the lowest versions Kafka 3.9 served', async () => {
    const { bootstrap } = await startTestBroker();
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    const r = await request(c, 18, 0, Buffer.alloc(0));
    expect(r.int16()).toBe(0);
    const table = new Map(r.array((r) => [r.int16(), r.int16(), r.int16()] as const).map(([k, min]) => [k, min]));
    for (const [key, min] of Object.entries(KAFKA_39_MIN)) expect(table.get(Number(key)), `min version of API ${key}`).toBe(min);
  });

  itKcat.each([
    ['0.8.2', 'none'],
    ['0.9.0', 'none'],
    ['0.9.0', 'gzip'],
    ['0.10.0', 'none'],
    ['0.10.0', 'snappy'],
    ['0.10.0', 'lz4'],
  ])('librdkafka with broker.version.fallback=%s (%s) produces and consumes through the old message formats', async (fallback, codec) => {
    const { bootstrap, broker } = await startTestBroker();
    const topic = `old-${fallback}-${codec}`;
    const old = ['-X', 'api.version.request=false', '-X', `broker.version.fallback=${fallback}`];
    const input = keyed(50);
    const p = await kcat(bootstrap, [...old, '-P', '-t', topic, '-K:', '-z', codec], input);
    expect(p.exitCode, describeKcat(p)).toBe(0);
    // stored as RecordBatch v2, uncompressed, whatever came in
    const batches = broker.store.partition(topic, 0)!.read(0n, 1 << 30, true);
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) expect(b[16], 'magic of a stored batch').toBe(2);
    // old fetch (down-converted) and a modern fetch read the same records
    const oldRead = await kcat(bootstrap, [...old, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(oldRead.exitCode, describeKcat(oldRead)).toBe(0);
    expect(oldRead.stdout).toBe(input);
    const newRead = await kcat(bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(newRead.stdout).toBe(input);
  });

  it('Produce v2 keeps magic 1 timestamps; a gzip-wrapped set converts; a bad CRC is CORRUPT_MESSAGE', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 't', partitions: 1 }] });
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    const produceV2 = (set: Buffer): Buffer =>
      new Writer()
        .int16(1)
        .int32(5000)
        .array(['t'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).bytes(set)))
        .toBuffer();
    const plain = Buffer.concat([legacyMessage(1, 0, 1_700_000_000_000, Buffer.from('a'), Buffer.from('1')), legacyMessage(1, 1, 1_700_000_000_005, null, Buffer.from('2'))]);
    let r = await request(c, 0, 2, produceV2(plain));
    r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16(), r.int64(), r.int64()])]);
    const inner = Buffer.concat([legacyMessage(1, 0, 1_700_000_000_010, Buffer.from('z'), Buffer.from('3'))]);
    const wrapper = legacyWrapper(inner);
    r = await request(c, 0, 2, produceV2(wrapper));
    const answer = r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16(), r.int64(), r.int64()] as const)] as const);
    expect(answer[0]![1][0]![1]).toBe(0);
    expect(answer[0]![1][0]![2]).toBe(2n); // base offset after the first two

    const bad = Buffer.from(plain);
    bad[20] = bad[20]! ^ 0xff; // inside the first message, under its CRC
    r = await request(c, 0, 2, produceV2(bad));
    const failed = r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16()] as const)] as const);
    expect(failed[0]![1][0]![1]).toBe(2); // CORRUPT_MESSAGE

    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'reader' });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(`${message.offset}:${message.key?.toString() ?? 'null'}=${message.value?.toString()}@${message.timestamp}`);
          if (seen.length === 3) resolve();
        },
      });
    });
    expect(seen).toEqual(['0:a=1@1700000000000', '1:null=2@1700000000005', '2:z=3@1700000000010']);
    expect(broker.store.partition('t', 0)!.highWatermark).toBe(3n);
  });

  itKcat('OffsetCommit v0 and v1 (sarama 1.22) are stored, v1 with its commit timestamp, and a modern consumer resumes there', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'orders', partitions: 1 }] });
    const p = await kcat(bootstrap, ['-P', '-t', 'orders', '-K:'], keyed(10));
    expect(p.exitCode, describeKcat(p)).toBe(0);
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());

    const v0 = new Writer()
      .string('legacy')
      .array(['orders'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(4n).nullableString('v0')))
      .toBuffer();
    let r = await request(c, 8, 0, v0);
    expect(r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16()])])).toEqual([['orders', [[0, 0]]]]);
    expect(broker.store.committedOffset('legacy', 'orders', 0)?.offset).toBe(4n);

    const v1 = new Writer()
      .string('sarama')
      .int32(-1)
      .string('')
      .array(['orders'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(7n).int64(1_600_000_000_000n).nullableString('v1')))
      .toBuffer();
    r = await request(c, 8, 1, v1);
    expect(r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16()])])).toEqual([['orders', [[0, 0]]]]);
    const stored = broker.store.committedOffset('sarama', 'orders', 0);
    expect(stored).toMatchObject({ offset: 7n, metadata: 'v1', commitTimestamp: 1_600_000_000_000 });

    // OffsetFetch v0 answers it too
    const fetchV0 = new Writer().string('sarama').array(['orders'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p))).toBuffer();
    r = await request(c, 9, 0, fetchV0);
    expect(r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int64(), r.nullableString(), r.int16()])])).toEqual([['orders', [[0, 7n, 'v1', 0]]]]);

    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'sarama' });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const first = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.offset) });
    });
    expect(first).toBe('7');
  });

  itKcat('ListOffsets v0, CreateTopics v0 and DeleteTopics v0 answer in their old layouts', async () => {
    const { bootstrap, broker } = await startTestBroker();
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    const create = new Writer()
      .array(['v0-topic'], (w, t) => w.string(t).int32(2).int16(1).array([], () => {}).array([], () => {}))
      .int32(5000)
      .toBuffer();
    let r = await request(c, 19, 0, create);
    expect(r.array((r) => [r.string(), r.int16()])).toEqual([['v0-topic', 0]]);
    expect(r.remaining).toBe(0);
    expect(broker.store.topic('v0-topic')?.partitions).toBe(2);

    const p = await kcat(bootstrap, ['-P', '-t', 'v0-topic', '-p', '1'], 'a\nb\nc\n');
    expect(p.exitCode, describeKcat(p)).toBe(0);
    const list = new Writer()
      .int32(-1)
      .array(['v0-topic'], (w, t) => w.string(t).array([1], (w, p) => w.int32(p).int64(-1n).int32(1)))
      .toBuffer();
    r = await request(c, 2, 0, list);
    expect(r.array((r) => [r.string(), r.array((r) => [r.int32(), r.int16(), r.array((r) => r.int64())])])).toEqual([['v0-topic', [[1, 0, [3n]]]]]);

    r = await request(c, 20, 0, new Writer().array(['v0-topic'], (w, t) => w.string(t)).int32(5000).toBuffer());
    expect(r.array((r) => [r.string(), r.int16()])).toEqual([['v0-topic', 0]]);
    expect(r.remaining).toBe(0);
  });
});

/** A magic 1 gzip wrapper message around `inner`, offset 0 (relative inner offsets). */
function legacyWrapper(inner: Buffer): Buffer {
  const value = gzipSync(inner);
  const w = legacyMessage(1, 0, 1_700_000_000_010, null, value);
  // set the codec in the attributes and fix the CRC (legacyMessage writes uncompressed)
  w[17] = 1;
  w.writeUInt32BE(crc32(w.subarray(16)) >>> 0, 12);
  return w;
}
