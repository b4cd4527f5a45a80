/**
 * Compaction of cleanup.policy=compact topics, in memory and on disk: exact record sets
 * (latest per key, tombstones kept for delete.retention.ms then removed), offsets preserved,
 * fetches landing in the gaps, and restarts on a compacted data directory.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedLogStore } from '../../../src/broker/log/log-store.js';
import { decodeBatch } from '../../../src/broker/log/records.js';
import { encodeBatch, type TestRecord } from '../../helpers/record-batch.js';

const COMPACT = { 'cleanup.policy': 'compact', 'segment.ms': '10', 'delete.retention.ms': '1000' };

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devmode-compact-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function open(dataDir: string | null, now: () => number, configs: Record<string, string> = COMPACT) {
  const store = new EmbeddedLogStore({ dataDir, now });
  await store.open();
  onTestFinished(() => store.close());
  if (!store.topic('c')) store.createTopic('c', 1, configs);
  return store;
}

/** Every record from `from` on as "offset:key=value" (value "null" for a tombstone). */
function records(store: EmbeddedLogStore, from = 0n): string[] {
  const log = store.partition('c', 0)!;
  return log
    .read(from, 1 << 30, true)
    .flatMap((b) => decodeBatch(b).records)
    .map((r) => `${r.offset}:${r.key?.toString() ?? ''}=${r.value?.toString() ?? 'null'}`);
}

function kv(key: string, value: string | null): TestRecord {
  return { key, value };
}

/** Appends the batches, each at `now`, then rolls the active segment (segment.ms passed). */
function write(store: EmbeddedLogStore, c: ReturnType<typeof clock>, batches: TestRecord[][]): void {
  const log = store.partition('c', 0)!;
  for (const b of batches) log.append(encodeBatch(b, { baseTimestamp: c.now() }), c.now());
  c.advance(20);
  log.rollIfDue(c.now());
}

describe.each([
  ['in memory', false],
  ['on disk', true],
])('compaction %s', (_, onDisk) => {
  it('keeps the latest record per key at its offset, and tombstones for delete.retention.ms', async () => {
    const c = clock();
    const dir = onDisk ? tempDir() : null;
    const store = await open(dir, c.now);
    write(store, c, [
      [kv('a', '1'), kv('b', '1'), kv('c', '1')],
      [kv('a', '2'), kv('b', null)],
      [kv('d', '1')],
      [kv('a', '3'), kv('c', '2')],
    ]);
    // one more record in the (new) active segment: never cleaned
    store.partition('c', 0)!.append(encodeBatch([kv('a', '4')], { baseTimestamp: c.now() }), c.now());
    const [stats] = store.compactNow('c');
    expect(stats!.recordsRemoved).toBe(4);
    expect(records(store)).toEqual(['4:b=null', '5:d=1', '6:a=3', '7:c=2', '8:a=4']);
    expect(store.partition('c', 0)!.highWatermark).toBe(9n);
    expect(store.partition('c', 0)!.logStartOffset).toBe(0n);
    // fetches landing in gaps start at the next record
    expect(records(store, 0n)[0]).toBe('4:b=null');
    expect(records(store, 2n)[0]).toBe('4:b=null');
    expect(records(store, 5n)[0]).toBe('5:d=1');

    // the tombstone stays until delete.retention.ms has passed since its segment was written
    expect(store.compactDue()).toEqual([]);
    c.advance(1000);
    // (segment.ms has passed for the active segment too: rolled, a=3 is superseded as well)
    const due = store.compactDue();
    expect(due.map((d) => d.stats.recordsRemoved)).toEqual([2]);
    expect(records(store)).toEqual(['5:d=1', '7:c=2', '8:a=4']);
    if (dir) {
      // the same records after a restart, and no leftovers of the rewrites
      await store.close();
      writeFileSync(join(dir, 'c-0', '00000000000000000000.log.cleaned'), 'half-written');
      const again = await open(dir, c.now);
      expect(records(again)).toEqual(['5:d=1', '7:c=2', '8:a=4']);
      expect(again.partition('c', 0)!.highWatermark).toBe(9n);
      expect(readdirSync(join(dir, 'c-0')).filter((n) => n.endsWith('.cleaned'))).toEqual([]);
      again.partition('c', 0)!.append(encodeBatch([kv('d', '2')], { baseTimestamp: c.now() }), c.now());
      expect(records(again, 9n)).toEqual(['9:d=2']);
    }
  });

  it('runs on its own when the dirty share reaches min.cleanable.dirty.ratio, and only for compacted topics', async () => {
    const c = clock();
    const store = await open(onDisk ? tempDir() : null, c.now, { ...COMPACT, 'min.cleanable.dirty.ratio': '0.5' });
    store.createTopic('plain', 1, { 'segment.ms': '10' });
    const plain = store.partition('plain', 0)!;
    for (let i = 0; i < 3; i++) plain.append(encodeBatch([kv('k', String(i))]), c.now());
    write(store, c, [[kv('k', '1')], [kv('k', '2')], [kv('k', '3')]]);
    const done = store.compactDue();
    expect(done.map((d) => [d.topic, d.stats.recordsRemoved])).toEqual([['c', 2]]);
    expect(records(store)).toEqual(['2:k=3']);
    expect(plain.read(0n, 1 << 30, true).flatMap((b) => decodeBatch(b).records)).toHaveLength(3);
    // nothing new: nothing to do
    expect(store.compactDue()).toEqual([]);
  });

  it('re-encodes a compressed batch it filters, keeping its producer fields and last offset', async () => {
    const c = clock();
    const store = await open(onDisk ? tempDir() : null, c.now);
    const log = store.partition('c', 0)!;
    log.append(encodeBatch([kv('x', '1'), kv('y', '1'), kv('x', '2')], { compression: 'gzip', producerId: 7n, producerEpoch: 1, baseSequence: 0 }), c.now());
    c.advance(20);
    log.rollIfDue(c.now());
    store.compactNow('c');
    const [batch] = log.read(0n, 1 << 30, true);
    expect(batch!.readBigInt64BE(43)).toBe(7n); // producer id
    expect(batch!.readInt32BE(23)).toBe(2); // last offset delta
    expect(batch!.readInt16BE(21) & 7).toBe(0); // now uncompressed
    expect(records(store)).toEqual(['1:y=1', '2:x=2']);
  });
});
