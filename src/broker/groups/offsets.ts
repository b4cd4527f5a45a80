import type { LogStore } from '../log/contract.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { OffsetCommitRequest, OffsetCommitResult, OffsetFetchPartition, OffsetFetchResult } from './types.js';

/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_CHARS = 4096;

/**
 * Stores the partitions of one OffsetCommit. `groupError` (from the group's validation)
 * applies to every partition when set; otherwise each partition is checked on its own:
 * a missing topic or partition gets UNKNOWN_TOPIC_OR_PARTITION, oversized metadata
 * OFFSET_METADATA_TOO_LARGE, and the rest are stored.
 */
export function commitOffsets(store: LogStore, req: OffsetCommitRequest, groupError: number, now: number): OffsetCommitResult {
  return {
    topics: req.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => {
        if (groupError !== ErrorCode.NONE) return { partition: p.partition, errorCode: groupError };
        if (!store.partition(topic.name, p.partition)) {
          return { partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        }
        if (p.metadata !== null && p.metadata.length > MAX_OFFSET_METADATA_CHARS) {
          return { partition: p.partition, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        }
        store.commitOffset(req.groupId, topic.name, p.partition, {
          offset: p.offset,
          leaderEpoch: p.leaderEpoch,
          metadata: p.metadata,
          commitTimestamp: p.commitTimestamp ?? now,
        });
        return { partition: p.partition, errorCode: ErrorCode.NONE };
      }),
    })),
  };
}

/**
 * Committed offsets of a group: for the partitions asked, or every committed one when
 * `topics` is null. A partition with nothing committed answers offset -1 without error, as
 * Kafka does (the coordinator does not check topic existence on fetch).
 */
export function fetchOffsets(
  store: LogStore,
  groupId: string,
  topics: readonly { name: string; partitions: readonly number[] }[] | null,
  groupError: number,
): OffsetFetchResult {
  if (groupError !== ErrorCode.NONE) {
    const failed = (partition: number): OffsetFetchPartition => ({ partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: groupError });
    return { errorCode: groupError, topics: (topics ?? []).map((t) => ({ name: t.name, partitions: t.partitions.map(failed) })) };
  }
  if (topics === null) {
    const all = store.committedOffsets(groupId);
    return {
      errorCode: ErrorCode.NONE,
      topics: [...all].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partition, c]) => ({
          partition,
          offset: c.offset,
          leaderEpoch: c.leaderEpoch,
          metadata: c.metadata ?? '',
          errorCode: ErrorCode.NONE,
        })),
      })),
    };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partition) => {
        const c = store.committedOffset(groupId, t.name, partition);
        return c
          ? { partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata ?? '', errorCode: ErrorCode.NONE }
          : { partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
      }),
    })),
  };
}
