/**
 * Flexible (KIP-482) versions, which kafkajs and librdkafka 2.0.2 do not send for these
 * APIs but Java and @platformatic/kafka do: encoded by hand here, decoded field by field.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { kcat, describeKcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { RawClient } from './raw-client.js';

const itKcat = itWith('kcat');

async function call(c: RawClient, key: number, version: number, body: Writer, id: number): Promise<Reader> {
  c.send(RawClient.frame(key, version, id, body.toBuffer(), true));
  const frame = await c.next();
  expect(frame, `response to key ${key} v${version}`).not.toBeNull();
  const r = new Reader(frame!);
  expect(r.int32()).toBe(id);
  r.taggedFields(); // response header v1
  return r;
}

describe('flexible versions', () => {
  itKcat('CreateTopics v7, Metadata v12, Produce v9, Fetch v12 and DeleteTopics v6 round trip', async () => {
    const { bootstrap, broker } = await startTestBroker();
    // a real batch, produced by librdkafka, to re-send through Produce v9
    const p = await kcat(bootstrap, ['-P', '-t', 'seed', '-K:'], 'k1:v1\nk2:v2\n');
    expect(p.exitCode, describeKcat(p)).toBe(0);
    const batch = Buffer.from(broker.store.partition('seed', 0)!.read(0n, 1 << 20, true)[0]!);
    batch.writeBigInt64BE(0n, 0);

    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());

    // CreateTopics v7
    let r = await call(
      c,
      19,
      7,
      new Writer()
        .compactArray([{ name: 'flex', partitions: 2 }], (w, t) => {
          w.compactString(t.name).int32(t.partitions).int16(-1).compactArray([], () => {}).compactArray([], () => {}).tags(true);
        })
        .int32(5000)
        .bool(false)
        .tags(true),
      1,
    );
    expect(r.int32()).toBe(0);
    const created = r.compactArray((r) => {
      const o = { name: r.compactString(), id: r.uuid(), error: r.int16(), message: r.compactNullableString(), partitions: r.int32(), rf: r.int16() };
      // every effective config with its source (name, value, read_only, source, is_sensitive)
      r.compactNullableArray((c) => [c.compactString(), c.compactNullableString(), c.bool(), c.int8(), c.bool(), c.taggedFields()]);
      r.taggedFields();
      return o;
    });
    expect(created).toMatchObject([{ name: 'flex', error: 0, message: null, partitions: 2, rf: 1 }]);
    const topicId = created[0]!.id;
    expect(topicId.equals(Buffer.alloc(16))).toBe(false);

    // Metadata v12 by name
    r = await call(c, 3, 12, new Writer().compactArray(['flex'], (w, n) => w.uuid(null).compactNullableString(n).tags(true)).bool(false).bool(false).tags(true), 2);
    expect(r.int32()).toBe(0);
    const brokers = r.compactArray((r) => {
      const b = { id: r.int32(), host: r.compactString(), port: r.int32(), rack: r.compactNullableString() };
      r.taggedFields();
      return b;
    });
    expect(brokers).toEqual([{ id: 1, host: '127.0.0.1', port: broker.port, rack: null }]);
    expect(r.compactNullableString()).toBe(broker.clusterId);
    expect(r.int32()).toBe(1);
    const topics = r.compactArray((r) => {
      const t = { error: r.int16(), name: r.compactNullableString(), id: r.uuid(), internal: r.bool() };
      const partitions = r.compactArray((r) => {
        const p = { error: r.int16(), index: r.int32(), leader: r.int32(), epoch: r.int32() };
        r.compactArray((r) => r.int32());
        r.compactArray((r) => r.int32());
        r.compactArray((r) => r.int32());
        r.taggedFields();
        return p;
      });
      r.int32();
      r.taggedFields();
      return { ...t, partitions };
    });
    r.taggedFields();
    expect(r.remaining).toBe(0);
    expect(topics).toHaveLength(1);
    expect(topics[0]!.id.equals(topicId)).toBe(true);
    expect(topics[0]!.partitions.map((p) => p.index)).toEqual([0, 1]);

    // Produce v9
    r = await call(
      c,
      0,
      9,
      new Writer()
        .compactNullableString(null)
        .int16(-1)
        .int32(5000)
        .compactArray(['flex'], (w, t) => {
          w.compactString(t).compactArray([1], (w, p) => w.int32(p).compactBytes(batch).tags(true)).tags(true);
        })
        .tags(true),
      3,
    );
    const produced = r.compactArray((r) => {
      const name = r.compactString();
      const parts = r.compactArray((r) => {
        const o = { index: r.int32(), error: r.int16(), base: r.int64(), time: r.int64(), start: r.int64() };
        r.compactArray(() => null);
        r.compactNullableString();
        r.taggedFields();
        return o;
      });
      r.taggedFields();
      return { name, parts };
    });
    expect(produced).toEqual([{ name: 'flex', parts: [{ index: 1, error: 0, base: 0n, time: -1n, start: 0n }] }]);

    // Fetch v12
    r = await call(
      c,
      1,
      12,
      new Writer()
        .int32(-1)
        .int32(100)
        .int32(1)
        .int32(1 << 20)
        .int8(0)
        .int32(0)
        .int32(-1)
        .compactArray(['flex'], (w, t) => {
          w.compactString(t)
            .compactArray([1], (w, p) => w.int32(p).int32(-1).int64(0n).int32(-1).int64(-1n).int32(1 << 20).tags(true))
            .tags(true);
        })
        .compactArray([], () => {})
        .compactString('')
        .tags(true),
      4,
    );
    expect([r.int32(), r.int16(), r.int32()]).toEqual([0, 0, 0]);
    const fetched = r.compactArray((r) => {
      r.compactString();
      return r.compactArray((r) => {
        const o = { index: r.int32(), error: r.int16(), hwm: r.int64(), lso: r.int64(), start: r.int64() };
        r.compactNullableArray(() => null);
        r.int32();
        const records = r.compactNullableBytes();
        r.taggedFields();
        return { ...o, records };
      });
    });
    const part = fetched[0]![0]!;
    // kcat may have sent the two seed records in one batch or two (linger timing)
    const records = BigInt(batch.readInt32BE(57));
    expect(part).toMatchObject({ index: 1, error: 0, hwm: records, lso: records, start: 0n });
    expect(part.records?.equals(batch)).toBe(true);

    // DeleteTopics v6 by id
    r = await call(
      c,
      20,
      6,
      new Writer().compactArray([topicId], (w, id) => w.compactNullableString(null).uuid(id).tags(true)).int32(5000).tags(true),
      5,
    );
    expect(r.int32()).toBe(0);
    const deleted = r.compactArray((r) => {
      const o = { name: r.compactNullableString(), id: r.uuid(), error: r.int16(), message: r.compactNullableString() };
      r.taggedFields();
      return o;
    });
    expect(deleted).toMatchObject([{ name: 'flex', error: 0, message: null }]);
    expect(broker.store.topic('flex')).toBeUndefined();
  });
});
