/**
 * One partition's log: segments of stored batches (bytes exactly as produced, baseOffset
 * rewritten), an index per segment, retention by size and age from the front, and the
 * listeners that wake parked fetches.
 */
import type { AppendResult, PartitionLog } from './contract.js';
import { Attr, BatchField } from './batch.js';
import { setBatchCrc } from './batch-encode.js';
import { decodeBatch } from './records.js';
import { Segment } from './segment.js';
import { KeyMap, cleanBatches } from './compaction.js';
import { MemorySegmentBytes, replaceSegmentFile } from './segment-bytes.js';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOG_START_FILE = 'log-start-offset';

/** The log start offset DeleteRecords left in `dir` (0 when none). */
function readLogStart(dir: string): number {
  try {
    const n = Number(readFileSync(join(dir, LOG_START_FILE), 'utf8'));
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Saves the log start offset atomically (temporary file, fsync, rename). */
function writeLogStart(dir: string, offset: number): void {
  const path = join(dir, LOG_START_FILE);
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    writeSync(fd, String(offset));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
}

/** What one compaction did. */
export interface CompactionStats {
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
  segmentsCleaned: number;
}

export interface PartitionLogOptions {
  readonly topic: string;
  readonly partition: number;
  /** the partition's directory, or null to keep the log in memory */
  readonly dir: string | null;
  /** roll to a new segment past this many bytes */
  readonly segmentBytes: number;
  /** keep at least this many bytes; older whole segments are dropped */
  readonly retentionBytes: number;
  /** drop whole segments whose last append is older than this */
  readonly retentionMs: number;
  /** roll a non-empty active segment this long after it was started (segment.ms); default never */
  readonly segmentMs?: number;
  /** cleanup.policy has delete (default true): size and age retention apply */
  readonly deletes?: boolean;
  /** largest batch accepted (max.message.bytes); default Kafka's 1048588 */
  readonly maxMessageBytes?: number;
  /** message.timestamp.type=LogAppendTime: every batch is stamped with its append time */
  readonly logAppendTime?: boolean;
  /** cleanup.policy has compact: records need keys, the store's cleaner compacts the log */
  readonly compacts?: boolean;
  /** a wake listener threw: reported here, the append still stands */
  readonly onListenerError?: (error: unknown) => void;
}

/** The options a topic's configs may change while the log is open (AlterConfigs). */
export type PartitionLogSettings = Omit<PartitionLogOptions, 'topic' | 'partition' | 'dir' | 'onListenerError'>;

/** How often, at most, an append also checks age retention. */
const AGE_CHECK_INTERVAL_MS = 1000;

export class StoredPartitionLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  #options: PartitionLogOptions;
  readonly #segments: Segment[];
  readonly #listeners = new Set<() => void>();
  #next: number;
  #size: number;
  #appendedRecords = 0;
  #appendedBytes = 0;
  #lastAgeCheck = 0;
  #closed = false;
  /** batches may skip offsets (compaction): a fetch may land in a gap */
  #gaps: boolean;
  /** offsets below this were cleaned by the last compaction (bytes above it are dirty) */
  #cleanedUpTo = 0;
  /** when a tombstone kept by the last compaction expires (Infinity: none kept) */
  #tombstonesDueAt = Infinity;
  /** DeleteRecords moved the log start here (may be inside the first segment) */
  #deletedBefore = 0;

  /** Builds a log over `segments` (recovered, or one new empty segment); never empty. */
  constructor(options: PartitionLogOptions, segments: Segment[], gaps = false) {
    if (segments.length === 0) throw new Error('a partition log needs at least one segment');
    this.topic = options.topic;
    this.partition = options.partition;
    this.#options = options;
    this.#segments = segments;
    this.#next = segments[segments.length - 1]!.nextOffset;
    this.#size = segments.reduce((sum, s) => sum + s.size, 0);
    this.#gaps = gaps;
    if (options.dir !== null) this.#deletedBefore = readLogStart(options.dir);
  }

  /** A new empty log: in memory, or with one empty segment file in `options.dir`. */
  static create(options: PartitionLogOptions, now: number): StoredPartitionLog {
    const first = options.dir === null ? Segment.inMemory(0, options.segmentBytes, now) : Segment.createFile(options.dir, 0, now);
    return new StoredPartitionLog(options, [first]);
  }

  get logStartOffset(): bigint {
    return BigInt(this.startOffsetNumber);
  }

  get highWatermark(): bigint {
    return BigInt(this.#next);
  }

  /** logStartOffset as a number (offsets stay far below 2^53 in a dev broker). */
  get startOffsetNumber(): number {
    return Math.max(this.#segments[0]!.baseOffset, this.#deletedBefore);
  }

  /**
   * Moves the log start offset to `offset` (DeleteRecords): records below it are no longer
   * served; whole segments below it are dropped. Kept in `<dir>/log-start-offset` on disk.
   */
  deleteBefore(offset: number, now: number): void {
    if (offset <= this.startOffsetNumber) return;
    this.#deletedBefore = offset;
    if (offset >= this.#next && this.#segments[this.#segments.length - 1]!.size > 0) this.#roll(now);
    while (this.#segments.length > 1 && this.#segments[1]!.baseOffset <= offset) this.#dropFirst();
    if (this.#options.dir !== null) writeLogStart(this.#options.dir, offset);
  }

  /** highWatermark as a number. */
  get nextOffsetNumber(): number {
    return this.#next;
  }

  get sizeBytes(): number {
    return this.#size;
  }

  /** Records appended since this process opened the log (for rates). */
  get appendedRecords(): number {
    return this.#appendedRecords;
  }

  /** Bytes appended since this process opened the log (for rates). */
  get appendedBytes(): number {
    return this.#appendedBytes;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Whether every record needs a key (a compacted topic). */
  get requiresKeys(): boolean {
    return this.#options.compacts === true;
  }

  /** The largest batch this partition accepts (the topic's max.message.bytes). */
  get maxMessageBytes(): number {
    return this.#options.maxMessageBytes ?? 1048588;
  }

  /** Applies changed topic configs (AlterConfigs); retention runs again at once. */
  configure(settings: PartitionLogSettings, now: number): void {
    this.#options = { ...this.#options, ...settings };
    this.enforceRetention(now);
  }

  append(batch: Buffer, now: number): AppendResult {
    if (this.#closed) throw new Error(`partition ${this.topic}-${this.partition} is closed`);
    const base = this.#next;
    const next = base + batch.readInt32BE(BatchField.lastOffsetDelta) + 1;
    const logAppendTime = this.#options.logAppendTime === true;
    if (logAppendTime) {
      // Kafka stamps the batch: timestamp type bit and max timestamp, then a new CRC
      batch.writeInt16BE(batch.readInt16BE(BatchField.attributes) | Attr.timestampType, BatchField.attributes);
      batch.writeBigInt64BE(BigInt(now), BatchField.maxTimestamp);
      setBatchCrc(batch);
    }
    const maxTimestamp = Number(batch.readBigInt64BE(BatchField.maxTimestamp));
    batch.writeBigInt64BE(BigInt(base), BatchField.baseOffset);
    let active = this.#segments[this.#segments.length - 1]!;
    const segmentMs = this.#options.segmentMs ?? Infinity;
    if (active.size > 0 && (active.size + batch.length > this.#options.segmentBytes || now - active.createdAt >= segmentMs)) active = this.#roll(now);
    active.append(batch, base, next, maxTimestamp, now);
    this.#next = next;
    this.#size += batch.length;
    this.#appendedRecords += next - base;
    this.#appendedBytes += batch.length;
    if (this.#size - this.#segments[0]!.size >= this.#options.retentionBytes || now - this.#lastAgeCheck >= AGE_CHECK_INTERVAL_MS) {
      this.enforceRetention(now);
    }
    if (this.#listeners.size > 0) this.wake();
    return { baseOffset: BigInt(base), logAppendTime: logAppendTime ? BigInt(now) : -1n, logStartOffset: this.logStartOffset };
  }

  read(fetchOffset: bigint, maxBytes: number, allowOversizedFirst: boolean): Buffer[] {
    const offset = Number(fetchOffset);
    const out: Buffer[] = [];
    if (offset < this.startOffsetNumber || offset >= this.#next) return out;
    let total = 0;
    let si = this.#segmentFor(offset);
    let bi = Math.max(0, this.#segments[si]!.index.find(offset));
    if (this.#gaps) bi = this.#skipEnded(this.#segments[si]!, bi, offset);
    for (; si < this.#segments.length; si++, bi = 0) {
      const seg = this.#segments[si]!;
      const count = seg.index.count;
      const first = bi;
      while (bi < count) {
        const size = seg.index.end(bi) - seg.index.start(bi);
        if (total + size > maxBytes && !(total === 0 && allowOversizedFirst)) break;
        total += size;
        bi++;
      }
      if (bi > first) {
        // One read per segment run; each batch is then a view of it.
        const from = seg.index.start(first);
        const chunk = seg.bytes.read(from, seg.index.end(bi - 1) - from);
        for (let i = first; i < bi; i++) out.push(chunk.subarray(seg.index.start(i) - from, seg.index.end(i) - from));
      }
      if (bi < count) break;
    }
    return out;
  }

  /** With compaction's gaps the batch found for `offset` may end before it: start after it then. */
  #skipEnded(seg: Segment, bi: number, offset: number): number {
    if (bi >= seg.index.count) return bi;
    const lastDelta = seg.bytes.read(seg.index.start(bi) + BatchField.lastOffsetDelta, 4).readInt32BE(0);
    return seg.index.base(bi) + lastDelta < offset ? bi + 1 : bi;
  }

  /**
   * First offset whose timestamp >= ts (and that record's timestamp), or offset -1n when none.
   * Also answers ListOffsets' special values: -1 latest, -2 earliest, -3 the max timestamp.
   */
  offsetForTimestamp(ts: bigint): { offset: bigint; timestamp: bigint } {
    if (ts === -1n) return { offset: this.highWatermark, timestamp: -1n };
    if (ts === -2n) return { offset: this.logStartOffset, timestamp: -1n };
    const none = { offset: -1n, timestamp: -1n };
    const wantMax = ts === -3n;
    const target = wantMax ? this.#segments.reduce((m, s) => Math.max(m, s.index.maxTimestamp), -Infinity) : Number(ts);
    if (target === -Infinity) return none;
    for (const seg of this.#segments) {
      if (seg.index.maxTimestamp < target) continue;
      const i = seg.index.findTimestamp(target);
      if (i < 0) continue;
      const start = seg.index.start(i);
      const bytes = seg.bytes.read(start, seg.index.end(i) - start);
      try {
        for (const r of decodeBatch(bytes).records) {
          if (r.timestamp >= target) return { offset: BigInt(r.offset), timestamp: BigInt(r.timestamp) };
        }
      } catch {
        // undecodable records: the batch's first offset is the best answer left
        return { offset: BigInt(seg.index.base(i)), timestamp: BigInt(target) };
      }
    }
    return none;
  }

  /** Listener called synchronously after every append (and on deletion) until cancelled. */
  onAppend(listener: () => void): () => void {
    // Wrapped so the same function may be registered twice and cancelled independently.
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Calls every append listener now (after appends; on deletion, so parked fetches notice). */
  wake(): void {
    // A snapshot: a listener that re-registers must not be called again in this round.
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        this.#options.onListenerError?.(error);
      }
    }
  }

  /** Drops whole segments from the front beyond the size and age limits. */
  enforceRetention(now: number): void {
    this.#lastAgeCheck = now;
    if (this.#options.deletes === false) return;
    const { retentionBytes, retentionMs } = this.#options;
    while (this.#segments.length > 1 && this.#size - this.#segments[0]!.size >= retentionBytes) this.#dropFirst();
    while (this.#segments[0]!.size > 0 && now - this.#segments[0]!.lastAppendAt > retentionMs) {
      // Never leave the log without a segment: its name keeps the next offset across restarts.
      if (this.#segments.length === 1) this.#roll(now);
      this.#dropFirst();
    }
  }

  /**
   * Rolls the active segment when segment.ms has passed since it was started, even without
   * an append (a compacted topic's latest records become cleanable without waiting for more).
   */
  rollIfDue(now: number): void {
    const active = this.#segments[this.#segments.length - 1]!;
    if (active.size > 0 && now - active.createdAt >= (this.#options.segmentMs ?? Infinity)) this.#roll(now);
  }

  /**
   * Whether compaction has work: the closed segments' dirty share (bytes written since the
   * last compaction) reaches `minDirtyRatio`, or a kept tombstone has expired.
   */
  needsCompaction(now: number, minDirtyRatio: number): boolean {
    if (now >= this.#tombstonesDueAt) return true;
    let dirty = 0;
    let total = 0;
    for (let i = 0; i < this.#segments.length - 1; i++) {
      const seg = this.#segments[i]!;
      total += seg.size;
      if (seg.baseOffset >= this.#cleanedUpTo) dirty += seg.size;
    }
    return dirty > 0 && dirty / total >= minDirtyRatio;
  }

  /**
   * Compacts the closed segments (see compaction.ts). Each rewritten segment replaces the old
   * one atomically (a new file renamed over it), so a crash at any point leaves either the
   * old or the new segment: nothing acknowledged is lost, offsets never move.
   */
  compact(now: number, deleteRetentionMs: number): CompactionStats {
    const stats: CompactionStats = { recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0, segmentsCleaned: 0 };
    const closed = this.#segments.length - 1;
    if (closed < 1 || this.#closed) return stats;
    const keys = new KeyMap();
    const batchesOf = (seg: Segment): Buffer[] => {
      const all = seg.bytes.read(0, seg.size);
      const out: Buffer[] = [];
      for (let i = 0; i < seg.index.count; i++) out.push(all.subarray(seg.index.start(i), seg.index.end(i)));
      return out;
    };
    for (let i = 0; i < closed; i++) for (const b of batchesOf(this.#segments[i]!)) keys.add(b);
    let tombstonesDueAt = Infinity;
    const kept: Segment[] = [];
    for (let i = 0; i < closed; i++) {
      const seg = this.#segments[i]!;
      stats.bytesBefore += seg.size;
      const dropTombstones = now - seg.lastAppendAt > deleteRetentionMs;
      const cleaned = cleanBatches(batchesOf(seg), keys, dropTombstones);
      if (cleaned.tombstonesKept > 0) tombstonesDueAt = Math.min(tombstonesDueAt, seg.lastAppendAt + deleteRetentionMs + 1);
      if (cleaned.recordsRemoved === 0) {
        kept.push(seg);
        stats.bytesAfter += seg.size;
        continue;
      }
      stats.recordsRemoved += cleaned.recordsRemoved;
      stats.segmentsCleaned++;
      const size = cleaned.batches.reduce((n, b) => n + b.length, 0);
      stats.bytesAfter += size;
      if (size === 0 && kept.length > 0) {
        // Nothing left and not the first segment (whose name keeps the log start offset): gone.
        seg.bytes.remove();
        continue;
      }
      const bytes = this.#options.dir === null ? new MemorySegmentBytes(Math.max(size, 1)) : replaceSegmentFile(seg.bytes, cleaned.batches, seg.lastAppendAt);
      if (this.#options.dir === null) for (const b of cleaned.batches) bytes.append(b);
      kept.push(Segment.rebuilt(seg, bytes, cleaned.batches));
    }
    this.#segments.splice(0, closed, ...kept);
    this.#size = this.#segments.reduce((sum, s) => sum + s.size, 0);
    this.#gaps = true;
    this.#cleanedUpTo = this.#segments[this.#segments.length - 1]!.baseOffset;
    this.#tombstonesDueAt = tombstonesDueAt;
    return stats;
  }

  /** Flushes to disk (persistent logs). */
  sync(): void {
    for (const seg of this.#segments) seg.bytes.sync();
  }

  /** Flushes and closes the segment files; the log is unusable afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#segments[this.#segments.length - 1]!.bytes.sync();
    for (const seg of this.#segments) seg.bytes.close();
  }

  /** Closes and deletes every segment (topic deletion), waking parked fetches. */
  remove(): void {
    this.#closed = true;
    for (const seg of this.#segments) seg.bytes.remove();
    this.wake();
    this.#listeners.clear();
  }

  #roll(now: number): Segment {
    const { dir, segmentBytes } = this.#options;
    const seg = dir === null ? Segment.inMemory(this.#next, segmentBytes, now) : Segment.createFile(dir, this.#next, now);
    this.#segments.push(seg);
    return seg;
  }

  #dropFirst(): void {
    const seg = this.#segments.shift()!;
    this.#size -= seg.size;
    seg.bytes.remove();
  }

  /** Index of the segment holding `offset` (the last one whose base <= offset). */
  #segmentFor(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
