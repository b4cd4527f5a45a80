import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { describeKcat, kcat } from '../../helpers/kcat.js';
import { itWith } from '../../helpers/tools.js';

const itKcat = itWith('kcat');

function keyed(n: number, prefix: string): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `k${i}:${prefix}-value-${i}\n`;
  return s;
}

describe('kcat (librdkafka 2.0.2) against the embedded broker', () => {
  itKcat('lists metadata with the bound port and auto-created topics', async () => {
    const { bootstrap, broker } = await startTestBroker({ topics: [{ name: 'orders', partitions: 3 }] });
    const r = await kcat(bootstrap, ['-L']);
    expect(r.exitCode, describeKcat(r)).toBe(0);
    expect(r.stdout).toContain(`broker 1 at ${bootstrap} (controller)`);
    expect(r.stdout).toContain('topic "orders" with 3 partitions');
    expect(broker.port).toBeGreaterThan(0);
  });

  itKcat('produces keyed messages and consumes them back in order', async () => {
    const { bootstrap, events } = await startTestBroker();
    const input = keyed(500, 'plain');
    const p = await kcat(bootstrap, ['-P', '-t', 'plain', '-K:'], input);
    expect(p.exitCode, describeKcat(p)).toBe(0);
    const c = await kcat(bootstrap, ['-C', '-t', 'plain', '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(c.exitCode, describeKcat(c)).toBe(0);
    expect(c.stdout).toBe(input);
    expect(events.some((e) => e.type === 'broker.topic.created' && e.topic === 'plain' && e.auto)).toBe(true);
    const appended = events.filter((e) => e.type === 'broker.append').reduce((n, e) => n + (e.type === 'broker.append' ? e.count : 0), 0);
    expect(appended).toBe(500);
  });

  itKcat.each([
    ['gzip', 1],
    ['snappy', 2],
    ['lz4', 3],
    ['zstd', 4],
  ])('round-trips %s and stores the batches compressed', async (codec, id) => {
    const { bootstrap, broker } = await startTestBroker();
    const topic = `z-${codec}`;
    const input = keyed(300, codec);
    // librdkafka sends a batch uncompressed when compressing does not make it smaller, as
    // with a batch of one or two records on a loaded machine: linger so the batches are full.
    const p = await kcat(bootstrap, ['-P', '-t', topic, '-K:', '-z', codec, '-X', 'linger.ms=200'], input);
    expect(p.exitCode, describeKcat(p)).toBe(0);
    expect(p.stderr).not.toContain('does not support compression');
    const batches = broker.store.partition(topic, 0)!.read(0n, 1 << 30, true);
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) expect(b.readInt16BE(21) & 7, `attributes of a stored ${codec} batch`).toBe(id);
    const c = await kcat(bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(c.exitCode, describeKcat(c)).toBe(0);
    expect(c.stdout).toBe(input);
  });

  itKcat('accepts acks=0 produce (no response) and stores the messages', async () => {
    const { bootstrap, broker } = await startTestBroker();
    const p = await kcat(bootstrap, ['-P', '-t', 'fire', '-X', 'acks=0', '-K:'], keyed(100, 'a0'));
    expect(p.exitCode, describeKcat(p)).toBe(0);
    // With acks=0 kcat exits once the bytes are written: wait for the broker to have them.
    const deadline = Date.now() + 10_000;
    while ((broker.store.partition('fire', 0)?.highWatermark ?? 0n) < 100n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(broker.store.partition('fire', 0)?.highWatermark).toBe(100n);
    const c = await kcat(bootstrap, ['-C', '-t', 'fire', '-o', 'beginning', '-e', '-f', '%s\n']);
    expect(c.stdout.split('\n').filter(Boolean)).toHaveLength(100);
  });

  itKcat('consumes with a consumer group (-G) from the beginning', async () => {
    const { bootstrap } = await startTestBroker({ topics: [{ name: 'grouped', partitions: 2 }] });
    const p = await kcat(bootstrap, ['-P', '-t', 'grouped', '-K:'], keyed(50, 'g'));
    expect(p.exitCode, describeKcat(p)).toBe(0);
    const c = await kcat(bootstrap, ['-G', 'g1', '-X', 'auto.offset.reset=earliest', '-e', '-f', '%s\n', 'grouped']);
    expect(c.exitCode, describeKcat(c)).toBe(0);
    expect(c.stdout.split('\n').filter(Boolean).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `g-value-${i}`).sort());
  });
});
