// Compaction's cost (broker.ts, part d), in a process of its own so its memory is its own:
//   node --import tsx test/bench/lib/broker-compaction.ts RECORDS KEYS memory|disk
// Appends RECORDS keyed records (100 B values, KEYS distinct keys, batches of 1,000) to a
// compacted topic, then times, on the same closed segments: a plain decode of every record
// (the floor: compaction must read them all) and one compaction. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLogStore } from '../../../src/broker/log/log-store.js';
import { decodeBatch } from '../../../src/broker/log/records.js';
import { encodeBatch, type TestRecord } from '../../helpers/record-batch.js';

const records = Number(process.argv[2] ?? 1_000_000);
const keys = Number(process.argv[3] ?? 10_000);
const onDisk = process.argv[4] === 'disk';
const BATCH = 1000;

const dir = onDisk ? mkdtempSync(join(tmpdir(), 'devmode-bench-compact-')) : null;
try {
  let now = Date.now();
  const store = new EmbeddedLogStore({ dataDir: dir, now: () => now, cleanerCheckMs: 3_600_000 });
  await store.open();
  store.createTopic('c', 1, { 'cleanup.policy': 'compact', 'segment.ms': '1' });
  const log = store.partition('c', 0)!;
  const value = Buffer.alloc(100, 0x61);
  const appendStart = performance.now();
  for (let base = 0; base < records; base += BATCH) {
    const batch: TestRecord[] = [];
    for (let i = base; i < base + BATCH && i < records; i++) batch.push({ key: `key-${i % keys}`, value });
    log.append(encodeBatch(batch, { baseTimestamp: now }), now);
  }
  const appendMs = performance.now() - appendStart;
  now += 10;
  log.rollIfDue(now);
  const bytesBefore = log.sizeBytes;

  const decodeStart = performance.now();
  let decoded = 0;
  for (const b of log.read(0n, 1 << 30, true)) decoded += decodeBatch(b).records.length;
  const decodeMs = performance.now() - decodeStart;

  const rssBefore = process.memoryUsage().rss;
  const compactStart = performance.now();
  const [stats] = store.compactNow('c');
  const compactMs = performance.now() - compactStart;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  await store.close();
  console.log(
    JSON.stringify({
      records,
      keys,
      onDisk,
      appendMs,
      decoded,
      decodeMs,
      compactMs,
      removed: stats!.recordsRemoved,
      bytesBefore,
      bytesAfter: stats!.bytesAfter,
      rssBeforeMiB: rssBefore / 1024 / 1024,
      peakMiB,
    }),
  );
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
