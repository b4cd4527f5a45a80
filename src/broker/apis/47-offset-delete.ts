/**
 * OffsetDelete (key 47), v0 only (as Kafka 3.9), never flexible.
 *
 * Forgets a group's committed offsets for the partitions given (kept deleted in the data
 * directory). Errors as Kafka: GROUP_ID_NOT_FOUND (no such group), per partition
 * GROUP_SUBSCRIBED_TO_TOPIC while a live member of the group subscribes to the topic.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const offsetDelete: ApiHandler = {
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: Infinity,
  handle(req, _version, ctx) {
    const groupId = req.string();
    const topics = req.array((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
    const result = ctx.broker.groups.offsetDelete(groupId, topics);
    const w = new Writer(64 + topics.length * 32);
    w.int16(result.errorCode).int32(0); // error_code, throttle_time_ms
    w.array(result.topics, (w, t) => {
      w.string(t.name).array(t.partitions, (w, p) => w.int32(p.partition).int16(p.errorCode));
    });
    return w;
  },
};
