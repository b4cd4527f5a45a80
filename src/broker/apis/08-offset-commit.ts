/**
 * OffsetCommit (key 8), v0-9; flexible from v8 (Kafka 3.9 served v0-9; Kafka 4 dropped v0-1).
 *
 * Behaviour: stores (offset, leader epoch (v6+), metadata, commit time) per group and
 * partition in the LogStore, so commits persist with the data directory. Group checks as
 * Kafka's classic groups (kafka-protocol.md §3.8): generation -1 with an Empty or unknown
 * group is accepted (standalone consumers, admin resets); otherwise the member and
 * generation must be current (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION), and a group awaiting
 * its assignment answers REBALANCE_IN_PROGRESS. A missing topic or partition gets
 * UNKNOWN_TOPIC_OR_PARTITION; metadata over 4096 characters OFFSET_METADATA_TOO_LARGE.
 * v0 (no generation or member: a standalone commit, as Kafka treated it) and v1 (with a
 * per-partition commit_timestamp, stored when not -1) are served for old clients such as
 * sarama 1.22, whose offset manager commits with v1.
 * Not done: retention_time_ms (v2-4, ignored: offsets never expire), static membership checks.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const offsetCommit: ApiHandler = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: 8,
  handle(req, version, ctx) {
    const flex = version >= 8;
    const groupId = req.str(flex);
    const generationId = version >= 1 ? req.int32() : -1;
    const memberId = version >= 1 ? req.str(flex) : '';
    const groupInstanceId = version >= 7 ? req.nullableStr(flex) : null;
    if (version >= 2 && version <= 4) req.int64(); // retention_time_ms
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (p) => {
        const partition = p.int32();
        const offset = p.int64();
        const leaderEpoch = version >= 6 ? p.int32() : -1;
        const commitTimestamp = version === 1 ? Number(p.int64()) : -1;
        const metadata = p.nullableStr(flex);
        p.tags(flex);
        return { partition, offset, leaderEpoch, metadata, ...(commitTimestamp >= 0 ? { commitTimestamp } : {}) };
      });
      r.tags(flex);
      return { name, partitions };
    });
    req.tags(flex);

    const result = ctx.broker.groups.offsetCommit({ groupId, generationId, memberId, groupInstanceId, topics });
    const w = new Writer(64 + topics.length * 64);
    if (version >= 3) w.int32(0); // throttle_time_ms
    w.arr(flex, result.topics, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, p) => {
        w.int32(p.partition).int16(p.errorCode).tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
