import { describe, expect, it, onTestFinished } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { RawClient } from './raw-client.js';
import { legacyMessage } from '../../../src/broker/log/legacy-records.js';

const itKcat = itWith('kcat');

function metadataV4Body(topics: string[]): Buffer {
  return new Writer().array(topics, (w, t) => w.string(t)).bool(false).toBuffer();
}

function fetchV11Body(topic: string, maxWaitMs: number): Buffer {
  const w = new Writer();
  w.int32(-1).int32(maxWaitMs).int32(1).int32(1 << 20).int8(0).int32(0).int32(-1);
  w.array([topic], (w, t) => {
    w.string(t).array([0], (w, p) => w.int32(p).int32(-1).int64(0n).int64(-1n).int32(1 << 20));
  });
  w.array([], () => {}).string('');
  return w.toBuffer();
}

describe('wire robustness', () => {
  it('answers ApiVersions of an unknown version in v0 format with its own range (KIP-511)', async () => {
    const { bootstrap } = await startTestBroker();
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    c.send(RawClient.frame(18, 99, 7, Buffer.alloc(0), true));
    const frame = await c.next();
    expect(frame).not.toBeNull();
    const r = new Reader(frame!);
    expect(r.int32()).toBe(7);
    expect(r.int16()).toBe(35); // UNSUPPORTED_VERSION
    expect(r.array((r) => [r.int16(), r.int16(), r.int16()])).toEqual([[18, 0, 4]]);
    // the connection stays usable: a v0 retry gets the full table
    c.send(RawClient.frame(18, 0, 8, Buffer.alloc(0)));
    const full = new Reader((await c.next())!);
    expect(full.int32()).toBe(8);
    expect(full.int16()).toBe(0);
    const keys = full.array((r) => [r.int16(), r.int16(), r.int16()] as const);
    expect(keys.map((k) => k[0])).toEqual(expect.arrayContaining([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 18, 19, 20, 22, 32]));
    expect(keys.find((k) => k[0] === 0)).toEqual([0, 0, 11]);
  });

  it('closes the connection at once (no hang) for an unsupported version, an unknown key, Produce v12 and an oversized frame', async () => {
    const { bootstrap, events } = await startTestBroker({ maxRequestBytes: 4096 });
    const cases: [string, Buffer][] = [
      ['Metadata v99', RawClient.frame(3, 99, 1, metadataV4Body([]))],
      ['key 999', RawClient.frame(999, 0, 1, Buffer.alloc(0))],
      ['Produce v12', RawClient.frame(0, 12, 1, Buffer.alloc(16))],
      ['oversized', Buffer.from([0x00, 0x10, 0x00, 0x00, 1, 2, 3])],
      ['negative size', Buffer.from([0xff, 0xff, 0xff, 0xf0])],
    ];
    for (const [what, bytes] of cases) {
      const c = await RawClient.connect(bootstrap);
      onTestFinished(() => c.close());
      c.send(bytes);
      expect(await c.next(5_000), what).toBeNull();
    }
    const messages = events.flatMap((e) => (e.type === 'broker.client.error' ? [e.message] : []));
    expect(messages).toHaveLength(cases.length);
    expect(messages.join('\n')).toMatch(/Metadata v99 is not served/);
    expect(messages.join('\n')).toMatch(/\(API key 999\) v0 is not served/);
    expect(messages.join('\n')).toMatch(/exceeds the limit of 4096 bytes/);
  });

  it('handles frames split byte by byte and several frames in one write', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: 'm', partitions: 2 }] });
    const c = await RawClient.connect(bootstrap);
    onTestFinished(() => c.close());
    const one = RawClient.frame(3, 4, 1, metadataV4Body(['m']));
    for (const b of one) {
      c.send(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    const many = Buffer.concat([2, 3, 4].map((id) => RawClient.frame(3, 4, id, metadataV4Body(['m']))));
    c.send(many);
    for (const id of [1, 2, 3, 4]) {
      const r = new Reader((await c.next())!);
      expect(r.int32()).toBe(id);
    }
  });

  it('cancels a parked fetch when its connection closes', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'idle', partitions: 1 }] });
    const c = await RawClient.connect(bootstrap);
    c.send(RawClient.frame(1, 11, 1, fetchV11Body('idle', 60_000)));
    await new Promise((r) => setTimeout(r, 100));
    expect(broker.connections()).toHaveLength(1);
    c.close();
    const deadline = Date.now() + 5_000;
    while (broker.connections().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(broker.connections()).toHaveLength(0);
    const started = Date.now();
    await broker.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  itKcat('survives random and mutated frames while a well-behaved client keeps working', async () => {
    const { bootstrap, events } = await startTestBroker({ topics: [{ name: 'good', partitions: 1 }], maxRequestBytes: 1 << 20 });
    const kafka = new Kafka({ clientId: 'good-client', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const templates = [
      RawClient.frame(18, 3, 1, Buffer.from([3, 0x61, 0x62, 2, 0x31, 0]), true),
      RawClient.frame(3, 4, 1, metadataV4Body(['good'])),
      RawClient.frame(1, 11, 1, fetchV11Body('good', 10)),
      RawClient.frame(0, 7, 1, Buffer.concat([Buffer.from([0xff, 0xff, 0, 1, 0, 0, 0x03, 0xe8]), randomBytes(40)])),
      // older versions and the admin APIs beyond the common paths
      RawClient.frame(0, 2, 1, new Writer().int16(1).int32(1000).array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).bytes(legacyMessage(1, 0, 0, null, Buffer.from('m'))))).toBuffer()),
      RawClient.frame(1, 2, 1, new Writer().int32(-1).int32(10).int32(1).array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0n).int32(1 << 20))).toBuffer()),
      RawClient.frame(8, 1, 1, new Writer().string('fz').int32(-1).string('').array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(0n).int64(-1n).nullableString(null))).toBuffer()),
      RawClient.frame(19, 7, 1, new Writer().compactArray(['fz-t'], (w, t) => w.compactString(t).int32(1).int16(1).compactArray([], () => {}).compactArray([['cleanup.policy', 'compact']], (w, [k, v]) => w.compactString(k!).compactNullableString(v!).uvarint(0)).uvarint(0)).int32(1000).bool(false).uvarint(0).toBuffer(), true),
      RawClient.frame(21, 2, 1, new Writer().compactArray(['good'], (w, t) => w.compactString(t).compactArray([0], (w, p) => w.int32(p).int64(0n).uvarint(0)).uvarint(0)).int32(1000).uvarint(0).toBuffer(), true),
      RawClient.frame(33, 1, 1, new Writer().array([2], (w, ty) => w.int8(ty).string('good').array([['retention.ms', '1000']], (w, [k, v]) => w.string(k!).nullableString(v!))).bool(true).toBuffer()),
      RawClient.frame(37, 1, 1, new Writer().array(['good'], (w, t) => w.string(t).int32(2).array(null, () => {})).int32(1000).bool(true).toBuffer()),
      RawClient.frame(44, 1, 1, new Writer().compactArray([2], (w, ty) => w.int8(ty).compactString('good').compactArray([['cleanup.policy', 2, 'compact']] as const, (w, [k, op, v]) => w.compactString(k).int8(op).compactNullableString(v).uvarint(0)).uvarint(0)).bool(true).uvarint(0).toBuffer(), true),
      RawClient.frame(47, 0, 1, new Writer().string('fz').array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p))).toBuffer()),
      RawClient.frame(60, 1, 1, Buffer.from([0, 1, 0]), true),
      RawClient.frame(61, 0, 1, new Writer().compactArray(['good'], (w, t) => w.compactString(t).compactArray([0], (w, p) => w.int32(p)).uvarint(0)).uvarint(0).toBuffer(), true),
      RawClient.frame(65, 0, 1, new Writer().compactArray(['tx'], (w, id) => w.compactString(id)).uvarint(0).toBuffer(), true),
      // transactions: InitProducerId with an id, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit (v1)
      RawClient.frame(22, 1, 1, new Writer().nullableString('fz-tx').int32(60_000).toBuffer()),
      RawClient.frame(24, 1, 1, new Writer().string('fz-tx').int64(0n).int16(0).array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p))).toBuffer()),
      RawClient.frame(25, 1, 1, new Writer().string('fz-tx').int64(0n).int16(0).string('fz-group').toBuffer()),
      RawClient.frame(26, 1, 1, new Writer().string('fz-tx').int64(0n).int16(0).bool(true).toBuffer()),
      RawClient.frame(28, 1, 1, new Writer().string('fz-tx').string('fz-group').int64(0n).int16(0).array(['good'], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(1n).nullableString(null))).toBuffer()),
    ];
    let seed = 1;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let sent = 0;
    for (let i = 0; i < 240; i++) {
      let bytes: Buffer;
      const kind = rand(5);
      if (kind === 0) bytes = randomBytes(1 + rand(64));
      else if (kind === 1) {
        // a template with bytes flipped after the size prefix
        bytes = Buffer.from(templates[rand(templates.length)]!);
        for (let k = 0; k < 1 + rand(4); k++) bytes[4 + rand(bytes.length - 4)] = rand(256);
      } else if (kind === 2) {
        // a template with a body shorter than its header claims: the size is fixed up so the frame is complete
        const t = templates[rand(templates.length)]!;
        bytes = Buffer.from(t.subarray(0, 4 + 10 + rand(t.length - 14)));
        bytes.writeInt32BE(bytes.length - 4, 0);
      } else if (kind === 3) {
        bytes = Buffer.alloc(8);
        bytes.writeInt32BE(0x7fffffff - rand(1000), 0);
      } else {
        bytes = RawClient.frame(rand(70), rand(30), 1, randomBytes(rand(100)), rand(2) === 1);
      }
      const c = await RawClient.connect(bootstrap);
      c.send(bytes);
      // either an answer, a close, or (an incomplete frame) silence: all fine, none may hurt the broker
      await Promise.race([c.closed, new Promise((r) => setTimeout(r, 20))]);
      c.close();
      if (i % 20 === 0) {
        await producer.send({ topic: 'good', messages: [{ value: `ok-${i}` }] });
        sent++;
      }
    }
    const problems = events.filter((e) => e.type === 'broker.client.error');
    expect(problems.length).toBeGreaterThan(0);
    // bounded: at most 20 lines per 30 s however many bad requests come in
    expect(problems.length).toBeLessThanOrEqual(20);
    // the broker still serves everyone
    const r = await kcat(bootstrap, ['-C', '-t', 'good', '-o', 'beginning', '-e', '-f', '%s\n']);
    expect(r.exitCode, describeKcat(r)).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('ok-'))).toHaveLength(sent);
  });

  it('stops cleanly when stopped during start, and stop is idempotent', async () => {
    const { EmbeddedBroker } = await import('../../../src/broker/embedded.js');
    const broker = new EmbeddedBroker({ port: 0 });
    const starting = broker.start();
    const stopping = broker.stop();
    await expect(starting).rejects.toThrow(/stopped while starting/);
    await stopping;
    await broker.stop();
    const started = new EmbeddedBroker({ port: 0 });
    await started.start();
    const port = started.port;
    await Promise.all([started.stop(), started.stop()]);
    await expect(RawClient.connect(`127.0.0.1:${port}`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports a busy port clearly', async () => {
    const { broker } = await startTestBroker();
    const second = startTestBroker({ port: broker.port });
    await expect(second).rejects.toThrow(new RegExp(`port ${broker.port} is in use`));
  });
});
