/**
 * OffsetFetch (key 9), v0-9; flexible from v6 (v0 is v1's layout; Kafka 3.9 served it).
 *
 * Behaviour: answers a group's committed offsets from the LogStore: offset, leader epoch
 * (v5+), metadata as committed; -1 (and leader epoch -1, metadata '') for a partition with
 * nothing committed, without error, as Kafka does (no topic-existence check on fetch).
 * v2+ accept null topics for "every committed partition" and carry a top-level error;
 * v8+ use the multi-group layout (one result per group asked).
 * Not done: require_stable (v7+; no transactions, so offsets are always stable), the v9
 * member id/epoch (only meaningful for KIP-848 groups; ignored).
 */
import type { ApiHandler } from './api.js';
import type { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import type { OffsetFetchResult } from '../groups/types.js';

type TopicsAsked = { name: string; partitions: number[] }[] | null;

function readTopics(r: Reader, flex: boolean, nullable: boolean): TopicsAsked {
  const read = (t: Reader): { name: string; partitions: number[] } => {
    const name = t.str(flex);
    const partitions = t.arr(flex, (p) => p.int32());
    t.tags(flex);
    return { name, partitions };
  };
  return nullable ? r.nullableArr(flex, read) : r.arr(flex, read);
}

function writeTopics(w: Writer, flex: boolean, version: number, result: OffsetFetchResult): void {
  w.arr(flex, result.topics, (w, t) => {
    w.str(flex, t.name);
    w.arr(flex, t.partitions, (w, p) => {
      w.int32(p.partition).int64(p.offset);
      if (version >= 5) w.int32(p.leaderEpoch);
      w.nullableStr(flex, p.metadata).int16(p.errorCode).tags(flex);
    });
    w.tags(flex);
  });
}

export const offsetFetch: ApiHandler = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: 6,
  handle(req, version, ctx) {
    const flex = version >= 6;
    const groups = ctx.broker.groups;
    if (version >= 8) {
      const asked = req.arr(flex, (g) => {
        const groupId = g.str(flex);
        if (version >= 9) {
          g.nullableStr(flex); // member_id
          g.int32(); // member_epoch
        }
        const topics = readTopics(g, flex, true);
        g.tags(flex);
        return { groupId, topics };
      });
      req.bool(); // require_stable
      req.tags(flex);
      const w = new Writer(128);
      w.int32(0); // throttle_time_ms
      w.arr(flex, asked, (w, g) => {
        const result = groups.offsetFetch(g.groupId, g.topics);
        w.str(flex, g.groupId);
        writeTopics(w, flex, version, result);
        w.int16(result.errorCode).tags(flex);
      });
      return w.tags(flex);
    }

    const groupId = req.str(flex);
    const topics = readTopics(req, flex, version >= 2);
    if (version >= 7) req.bool(); // require_stable
    req.tags(flex);
    const result = groups.offsetFetch(groupId, topics);
    const w = new Writer(128);
    if (version >= 3) w.int32(0); // throttle_time_ms
    writeTopics(w, flex, version, result);
    if (version >= 2) w.int16(result.errorCode);
    return w.tags(flex);
  },
};
