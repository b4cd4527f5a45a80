/**
 * Recovery of a partition directory on open: scan each segment file, keep every complete
 * batch with a valid length, magic and CRC-32C whose offsets follow on, truncate a torn tail
 * (devmode killed mid-write) and drop anything after it, rebuild the index.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, BatchField, LOG_OVERHEAD, batchCrcValid } from './batch.js';
import { CLEANED_SUFFIX, FileSegmentBytes } from './segment-bytes.js';
import { Segment, parseSegmentFileName } from './segment.js';

export interface RecoveryReport {
  segments: Segment[];
  /** offsets skip somewhere (a compacted log) */
  gaps: boolean;
  /** bytes cut from torn or corrupt tails, and whole segments dropped after them */
  truncatedBytes: number;
}

/** Recovers the segments of the partition directory `dir` (created when missing). */
export function recoverPartitionDir(dir: string, now: number): RecoveryReport {
  mkdirSync(dir, { recursive: true });
  // A compacted segment half written when devmode died: the original is still in place.
  for (const name of readdirSync(dir)) if (name.endsWith(CLEANED_SUFFIX)) rmSync(join(dir, name), { force: true });
  const bases = readdirSync(dir)
    .map(parseSegmentFileName)
    .filter((b): b is number => b !== null)
    .sort((a, b) => a - b);
  const segments: Segment[] = [];
  let truncatedBytes = 0;
  let expected: number | null = null;
  let broken = false;
  let gaps = false;
  for (const base of bases) {
    const path = join(dir, `${String(base).padStart(20, '0')}.log`);
    if (broken) {
      // After a corrupt point the offsets cannot follow on: the rest is dropped.
      truncatedBytes += statSync(path).size;
      new FileSegmentBytes(path, false).remove();
      continue;
    }
    const data = readFileSync(path);
    const bytes = new FileSegmentBytes(path, false, data.length);
    const seg = new Segment(base, bytes, statSync(path).mtimeMs);
    if (expected !== null && base > expected) gaps = true; // compaction emptied the end of the previous segment
    else if (expected !== null && base !== expected) {
      // An overlap between segments: keep what came before.
      broken = true;
      truncatedBytes += data.length;
      seg.bytes.remove();
      continue;
    }
    let next: number = expected ?? base;
    let pos = 0;
    while (pos + LOG_OVERHEAD <= data.length) {
      const size = LOG_OVERHEAD + data.readInt32BE(pos + BatchField.batchLength);
      if (size < BATCH_HEADER_SIZE || pos + size > data.length) break;
      if (data[pos + BatchField.magic] !== 2 || !batchCrcValid(data, pos, size)) break;
      const batchBase = Number(data.readBigInt64BE(pos + BatchField.baseOffset));
      const lastDelta = data.readInt32BE(pos + BatchField.lastOffsetDelta);
      // offsets only grow; a gap is compaction's work (batches it emptied are gone)
      if (batchBase < next || lastDelta < 0) break;
      if (batchBase > next) gaps = true;
      next = batchBase + lastDelta + 1;
      seg.indexExisting(batchBase, next, pos + size, Number(data.readBigInt64BE(pos + BatchField.maxTimestamp)));
      pos += size;
    }
    if (pos < data.length) {
      truncatedBytes += data.length - pos;
      bytes.truncate(pos);
      broken = true;
    }
    expected = next;
    if (seg.size === 0 && segments.length > 0) {
      // An empty segment after others adds nothing (the previous one ends at the same offset).
      seg.bytes.remove();
      continue;
    }
    segments.push(seg);
  }
  if (segments.length === 0) segments.push(Segment.createFile(dir, expected ?? 0, now));
  return { segments, truncatedBytes, gaps };
}
