/**
 * One segment of a partition log: contiguous batches from `baseOffset`, their bytes (in
 * memory or in `<dir>/<baseOffset>.log`) and their index.
 */
import { join } from 'node:path';
import { BatchIndex } from './batch-index.js';
import { FileSegmentBytes, MemorySegmentBytes, type SegmentBytes } from './segment-bytes.js';

/** File name of the segment starting at `baseOffset`: zero-padded so names sort by offset. */
export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

/** The base offset in a segment file name, or null when the name is not a segment's. */
export function parseSegmentFileName(name: string): number | null {
  const m = /^(\d{1,20})\.log$/.exec(name);
  return m ? Number(m[1]) : null;
}

export class Segment {
  readonly baseOffset: number;
  readonly index = new BatchIndex();
  readonly bytes: SegmentBytes;
  /** next offset after this segment's last batch */
  nextOffset: number;
  /** wall time of the last append (file mtime after a restart): drives age retention */
  lastAppendAt: number;
  /** when the segment was started (its mtime after a restart): drives segment.ms rolls */
  readonly createdAt: number;

  constructor(baseOffset: number, bytes: SegmentBytes, lastAppendAt: number) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.bytes = bytes;
    this.lastAppendAt = lastAppendAt;
    this.createdAt = lastAppendAt;
  }

  /** A new empty segment in memory. */
  static inMemory(baseOffset: number, segmentBytes: number, now: number): Segment {
    return new Segment(baseOffset, new MemorySegmentBytes(segmentBytes), now);
  }

  /** A new empty segment file in `dir`. */
  static createFile(dir: string, baseOffset: number, now: number): Segment {
    return new Segment(baseOffset, new FileSegmentBytes(join(dir, segmentFileName(baseOffset)), true), now);
  }

  get size(): number {
    return this.bytes.size;
  }

  /** Appends a batch (baseOffset already set) holding offsets [base, next). */
  append(batch: Buffer, base: number, next: number, maxTimestamp: number, now: number): void {
    this.bytes.append(batch);
    this.index.push(base, this.bytes.size, maxTimestamp);
    this.nextOffset = next;
    this.lastAppendAt = now;
  }

  /**
   * A segment holding `batches` (compaction's output) in `bytes`, for offsets from `baseOffset`
   * to `nextOffset`, keeping the times of the segment it replaces.
   */
  static rebuilt(previous: Segment, bytes: SegmentBytes, batches: readonly Buffer[]): Segment {
    const seg = new Segment(previous.baseOffset, bytes, previous.createdAt);
    seg.lastAppendAt = previous.lastAppendAt;
    let end = 0;
    for (const b of batches) {
      end += b.length;
      seg.index.push(Number(b.readBigInt64BE(0)), end, Number(b.readBigInt64BE(35)));
    }
    seg.nextOffset = previous.nextOffset;
    return seg;
  }

  /** Records a batch already in the bytes (recovery), ending at byte `end`. */
  indexExisting(base: number, next: number, end: number, maxTimestamp: number): void {
    this.index.push(base, end, maxTimestamp);
    this.nextOffset = next;
  }
}
