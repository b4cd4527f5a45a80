import { describe, expect, it } from 'vitest';
import type { CompressionAlgorithmValue } from '@platformatic/kafka';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';
import { Collected, consumer, producer } from './clients.js';

const itKcat = itWith('kcat');

/**
 * librdkafka 2.0.2 (kcat) speaks the classic, non-flexible versions (Produce 7, Fetch 11)
 * and platformatic only the flexible ones (Produce 11, Fetch 13): the same stored batches
 * must read back the same through both encodings.
 */
describe('@platformatic/kafka and kcat against the same embedded broker', () => {
  const codecs: CompressionAlgorithmValue[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  for (const codec of codecs) {
    itKcat(`platformatic produces (${codec}), kcat consumes keys, values and headers`, async () => {
      const { bootstrap } = await startTestBroker({ topics: [{ name: 'to-kcat', partitions: 1 }] });
      const p = producer(bootstrap);
      const messages = Array.from({ length: 20 }, (_, i) => ({ topic: 'to-kcat', key: `k${i}`, value: `value ${i}`, headers: { trace: `t${i}` } }));
      await p.send({ messages: messages.slice(0, 10), compression: codec });
      await p.send({ messages: messages.slice(10), compression: codec });

      const c = await kcat(bootstrap, ['-C', '-t', 'to-kcat', '-o', 'beginning', '-e', '-f', '%o %k=%s %h\n']);
      expect(c.exitCode, describeKcat(c)).toBe(0);
      expect(c.stdout.trim().split('\n')).toEqual(messages.map((m, i) => `${i} ${m.key}=${m.value} trace=t${i}`));
    });
  }

  itKcat('kcat produces (gzip, with headers), a platformatic group consumes', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: 'from-kcat', partitions: 2 }] });
    const lines = Array.from({ length: 30 }, (_, i) => `key${i}:payload ${i}`).join('\n');
    const p = await kcat(bootstrap, ['-P', '-t', 'from-kcat', '-K:', '-z', 'gzip', '-H', 'origin=kcat', '-H', 'kind=test'], `${lines}\n`);
    expect(p.exitCode, describeKcat(p)).toBe(0);

    const c = consumer(bootstrap, 'from-kcat');
    const got = new Collected(await c.consume({ topics: ['from-kcat'], mode: 'earliest' }));
    await got.waitFor(30);
    expect(got.messages.map((m) => `${m.key}:${m.value}`).sort()).toEqual(lines.split('\n').sort());
    expect(got.messages.every((m) => m.headers.get('origin') === 'kcat' && m.headers.get('kind') === 'test')).toBe(true);
    // kcat's default partitioner hashes keys: both partitions are used, each from offset 0 up
    for (const partition of [0, 1]) {
      const offsets = got.messages.filter((m) => m.partition === partition).map((m) => m.offset);
      expect(offsets.length).toBeGreaterThan(0);
      expect(offsets).toEqual(offsets.map((_, i) => BigInt(i)));
    }
  });

  itKcat('a platformatic group and a kcat group read the same topic independently', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: 'shared', partitions: 1 }] });
    const p = producer(bootstrap);
    await p.send({ messages: Array.from({ length: 5 }, (_, i) => ({ topic: 'shared', key: 'k', value: `m${i}` })) });

    const c = consumer(bootstrap, 'pk-group');
    const got = new Collected(await c.consume({ topics: ['shared'], mode: 'earliest' }));
    const k = await kcat(bootstrap, ['-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-c', '5', '-f', '%s\n', 'shared']);
    expect(k.exitCode, describeKcat(k)).toBe(0);
    expect(k.stdout.trim().split('\n')).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    await got.waitFor(5);
    expect(got.values()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});
