import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EmbeddedLogStore, type LogStoreOptions } from '../../../src/broker/log/log-store.js';
import { DataDirError } from '../../../src/broker/log/errors.js';
import { encodeBatch, encodeSizedBatch } from '../../helpers/record-batch.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devmode-log-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function openStore(dataDir: string, options: Partial<LogStoreOptions> = {}) {
  const store = new EmbeddedLogStore({ dataDir, ...options });
  await store.open();
  onTestFinished(() => store.close());
  return store;
}

function allBytes(store: EmbeddedLogStore, topic: string, partition: number): Buffer {
  const log = store.partition(topic, partition)!;
  return Buffer.concat(log.read(log.logStartOffset, 1 << 30, true));
}

describe('persistent log store', () => {
  it('keeps topics, ids, offsets and bytes across close and reopen', async () => {
    const dir = tempDir();
    const first = await openStore(dir, { segmentBytes: 1024 });
    const info = first.createTopic('orders', 2);
    for (let i = 0; i < 40; i++) {
      first.partition('orders', i % 2)!.append(encodeBatch([{ key: `k${i}`, value: `v${i}` }, { value: 'x' }]), Date.now());
    }
    first.commitOffset('g1', 'orders', 0, { offset: 12n, leaderEpoch: 0, metadata: 'meta', commitTimestamp: 5 });
    const before = [allBytes(first, 'orders', 0), allBytes(first, 'orders', 1)];
    await first.close();
    await first.close(); // idempotent

    const second = await openStore(dir, { segmentBytes: 1024 });
    expect(second.topics().map((t) => t.name)).toEqual(['orders']);
    expect(second.topic('orders')!.id.equals(info.id)).toBe(true);
    expect(second.partition('orders', 0)!.highWatermark).toBe(40n);
    expect(allBytes(second, 'orders', 0).equals(before[0]!)).toBe(true);
    expect(allBytes(second, 'orders', 1).equals(before[1]!)).toBe(true);
    expect(second.committedOffset('g1', 'orders', 0)).toEqual({ offset: 12n, leaderEpoch: 0, metadata: 'meta', commitTimestamp: 5 });
    expect(second.partition('orders', 0)!.append(encodeSizedBatch(1, 10), Date.now()).baseOffset).toBe(40n);
    expect(readdirSync(join(dir, 'orders-0')).filter((f) => f.endsWith('.log')).length).toBeGreaterThan(1);
  });

  it('recovers a torn tail: keeps every complete batch, drops the partial one and garbage', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    first.createTopic('t', 1);
    const log = first.partition('t', 0)!;
    for (let i = 0; i < 10; i++) log.append(encodeSizedBatch(2, 30), Date.now());
    const complete = allBytes(first, 't', 0);
    log.append(encodeSizedBatch(2, 30), Date.now());
    await first.close();

    const segment = join(dir, 't-0', readdirSync(join(dir, 't-0'))[0]!);
    const size = statSync(segment).size;
    truncateSync(segment, size - 7); // crash mid-write of the 11th batch
    appendFileSync(segment, Buffer.from('garbage after the tear'));

    const second = await openStore(dir);
    const recovered = second.partition('t', 0)!;
    expect(recovered.highWatermark).toBe(20n);
    expect(allBytes(second, 't', 0).equals(complete)).toBe(true);
    expect(statSync(segment).size).toBe(complete.length);
    expect(recovered.append(encodeSizedBatch(1, 5), Date.now()).baseOffset).toBe(20n);
    await second.close();
    const third = await openStore(dir);
    expect(third.partition('t', 0)!.highWatermark).toBe(21n);
  });

  it('stops at a batch with a bad CRC and drops later segments', async () => {
    const dir = tempDir();
    const first = await openStore(dir, { segmentBytes: 1024 });
    first.createTopic('t', 1);
    for (let i = 0; i < 30; i++) first.partition('t', 0)!.append(encodeSizedBatch(1, 100), Date.now());
    await first.close();
    const files = readdirSync(join(dir, 't-0')).sort();
    expect(files.length).toBeGreaterThan(3);
    // Flip a byte inside the records of the second batch of the second segment.
    const victim = join(dir, 't-0', files[1]!);
    const fd = (await import('node:fs')).openSync(victim, 'r+');
    const one = encodeSizedBatch(1, 100).length;
    (await import('node:fs')).writeSync(fd, Buffer.from([0xee]), 0, 1, one + 70);
    (await import('node:fs')).closeSync(fd);

    const second = await openStore(dir, { segmentBytes: 1024 });
    const log = second.partition('t', 0)!;
    const firstSegmentBatches = Math.floor(1024 / one);
    expect(log.highWatermark).toBe(BigInt(firstSegmentBatches + 1));
    expect(readdirSync(join(dir, 't-0')).length).toBe(2);
  });

  it('retention on disk deletes old segment files and survives reopen', async () => {
    const dir = tempDir();
    const first = await openStore(dir, { retentionBytes: 10_000, segmentBytes: 2000 });
    first.createTopic('t', 1);
    for (let i = 0; i < 500; i++) first.partition('t', 0)!.append(encodeSizedBatch(1, 100), Date.now());
    const start = first.partition('t', 0)!.logStartOffset;
    expect(start).toBeGreaterThan(300n);
    await first.close();
    const total = readdirSync(join(dir, 't-0')).reduce((s, f) => s + statSync(join(dir, 't-0', f)).size, 0);
    expect(total).toBeLessThan(10_000 + 2500);
    const second = await openStore(dir, { retentionBytes: 10_000, segmentBytes: 2000 });
    expect(second.partition('t', 0)!.logStartOffset).toBe(start);
    expect(second.partition('t', 0)!.highWatermark).toBe(500n);
  });

  it('keeps the next offset when age retention emptied the log', async () => {
    const dir = tempDir();
    let now = 1_000_000;
    const first = await openStore(dir, { retentionMs: 1000, now: () => now });
    first.createTopic('t', 1);
    for (let i = 0; i < 5; i++) first.partition('t', 0)!.append(encodeSizedBatch(1, 10), now);
    now += 5000;
    first.enforceRetention();
    expect(first.partition('t', 0)!.logStartOffset).toBe(5n);
    await first.close();
    const second = await openStore(dir, { retentionMs: 1000, now: () => now });
    expect(second.partition('t', 0)!.logStartOffset).toBe(5n);
    expect(second.partition('t', 0)!.highWatermark).toBe(5n);
  });

  it('commits survive reopen after a torn journal line, deletions included', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    first.createTopic('a', 1);
    first.createTopic('b', 1);
    first.commitOffset('g', 'a', 0, { offset: 3n, leaderEpoch: -1, metadata: null, commitTimestamp: 1 });
    first.commitOffset('g', 'b', 0, { offset: 4n, leaderEpoch: -1, metadata: null, commitTimestamp: 1 });
    first.commitOffset('gone', 'a', 0, { offset: 9n, leaderEpoch: -1, metadata: null, commitTimestamp: 1 });
    first.deleteGroupOffsets('gone');
    first.deleteTopic('b');
    first.commitOffset('g', 'a', 0, { offset: 8n, leaderEpoch: 2, metadata: 'x', commitTimestamp: 2 });
    await first.close();
    appendFileSync(join(dir, 'offsets.jsonl'), '{"k":"c","g":"g","t":"a"'); // torn write
    const second = await openStore(dir);
    expect(second.groupsWithOffsets()).toEqual(['g']);
    expect(second.committedOffset('g', 'a', 0)).toEqual({ offset: 8n, leaderEpoch: 2, metadata: 'x', commitTimestamp: 2 });
    expect(second.committedOffsets('g').has('b')).toBe(false);
    expect(second.topic('b')).toBeUndefined();
  });

  it('refuses a data directory locked by a live process, with a clear message', async () => {
    const dir = tempDir();
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => sleeper.once('exit', resolve));
    onTestFinished(() => {
      sleeper.kill('SIGKILL');
    });
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    writeFileSync(join(dir, '.lock'), String(sleeper.pid));
    const store = new EmbeddedLogStore({ dataDir: dir });
    await expect(store.open()).rejects.toThrow(DataDirError);
    await expect(new EmbeddedLogStore({ dataDir: dir }).open()).rejects.toThrow(/in use by another process \(pid \d+\)/);
    sleeper.kill('SIGKILL');
    await exited;
    await openStore(dir); // a dead owner's lock is taken over
  });

  it('gives a clear error for a damaged topics.json', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'topics.json'), '{oops');
    await expect(new EmbeddedLogStore({ dataDir: dir }).open()).rejects.toThrow(/cannot read the broker's topic list .*topics\.json/);
  });
});
