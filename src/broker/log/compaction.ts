/**
 * Log compaction (cleanup.policy=compact), as Kafka's log cleaner does it, over the closed
 * segments of one partition (the active segment is never cleaned):
 *
 * - the latest record of each key is kept, older ones are removed;
 * - a tombstone (a record with a null value) is kept while it is the latest of its key and
 *   its segment was last written less than delete.retention.ms ago, then removed too;
 * - offsets never change: a batch keeps its base offset and last offset delta (Kafka keeps
 *   both so producer state survives), so compacted logs have gaps, as in Kafka;
 * - a batch whose records all stay is kept byte for byte; one that loses some is re-encoded
 *   uncompressed; one that loses all is dropped; transaction markers are kept;
 * - records without a key (refused on compacted topics since, but possibly written before
 *   the topic was compacted) are kept.
 *
 * This file only decides and re-encodes; partition-log.ts swaps the segments in.
 */
import { Attr, BatchField } from './batch.js';
import { encodeBatch } from './batch-encode.js';
import { decodeBatch, type DecodedRecord } from './records.js';

/** Latest offset of every key in the batches given (in offset order). */
export class KeyMap {
  readonly #latest = new Map<string, number>();

  /** Notes every keyed record of `batch`; a batch that cannot be decoded is skipped (kept as is later). */
  add(batch: Buffer): void {
    if (isControl(batch)) return;
    let records: DecodedRecord[];
    try {
      records = decodeBatch(batch).records;
    } catch {
      return;
    }
    for (const r of records) if (r.key !== null) this.#latest.set(r.key.toString('latin1'), r.offset);
  }

  latest(key: Buffer): number | undefined {
    return this.#latest.get(key.toString('latin1'));
  }

  get size(): number {
    return this.#latest.size;
  }
}

export interface CleanedBatches {
  batches: Buffer[];
  recordsRemoved: number;
  /** a tombstone kept for now, that a later cleaning must remove */
  tombstonesKept: number;
}

/**
 * The batches of one segment after cleaning with `keys`. `dropTombstones`: the segment was
 * last written more than delete.retention.ms ago, so its tombstones go too.
 */
export function cleanBatches(batches: readonly Buffer[], keys: KeyMap, dropTombstones: boolean): CleanedBatches {
  const out: Buffer[] = [];
  let recordsRemoved = 0;
  let tombstonesKept = 0;
  for (const batch of batches) {
    if (isControl(batch)) {
      out.push(batch);
      continue;
    }
    let records: DecodedRecord[];
    try {
      records = decodeBatch(batch).records;
    } catch {
      out.push(batch); // undecodable: never lose what cannot be understood
      continue;
    }
    const kept = records.filter((r) => {
      if (r.key === null) return true;
      if (keys.latest(r.key) !== r.offset) return false;
      if (r.value !== null) return true;
      if (dropTombstones) return false;
      tombstonesKept++;
      return true;
    });
    recordsRemoved += records.length - kept.length;
    if (kept.length === records.length) out.push(batch);
    else if (kept.length > 0) out.push(reencode(batch, kept));
  }
  return { batches: out, recordsRemoved, tombstonesKept };
}

/** A batch with only `kept` of its records: same offsets, producer fields and timestamp type; uncompressed. */
function reencode(batch: Buffer, kept: DecodedRecord[]): Buffer {
  const attributes = batch.readInt16BE(BatchField.attributes);
  const logAppendTime = (attributes & Attr.timestampType) !== 0;
  const baseOffset = Number(batch.readBigInt64BE(BatchField.baseOffset));
  const baseTimestamp = Number(batch.readBigInt64BE(BatchField.baseTimestamp));
  const maxTimestamp = Number(batch.readBigInt64BE(BatchField.maxTimestamp));
  return encodeBatch({
    baseOffset,
    lastOffsetDelta: batch.readInt32BE(BatchField.lastOffsetDelta),
    // a LogAppendTime batch has one timestamp for all (decodeBatch reported it per record)
    baseTimestamp: logAppendTime ? baseTimestamp : Math.min(...kept.map((r) => r.timestamp)),
    maxTimestamp: logAppendTime ? maxTimestamp : Math.max(...kept.map((r) => r.timestamp)),
    attributes: attributes & ~Attr.codecMask,
    producerId: batch.readBigInt64BE(BatchField.producerId),
    producerEpoch: batch.readInt16BE(BatchField.producerEpoch),
    baseSequence: batch.readInt32BE(BatchField.baseSequence),
    partitionLeaderEpoch: batch.readInt32BE(BatchField.partitionLeaderEpoch),
    records: logAppendTime ? kept.map((r) => ({ ...r, timestamp: baseTimestamp })) : kept,
  });
}

function isControl(batch: Buffer): boolean {
  return (batch.readInt16BE(BatchField.attributes) & Attr.control) !== 0;
}
