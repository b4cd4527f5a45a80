/**
 * DeleteTopics (key 20), v0-6; flexible from v4 (v0, without throttle time, as Kafka 3.9).
 *
 * Deletes by name (v1-5) or by name or topic id (v6). Committed offsets of groups are left
 * alone (Kafka removes them lazily too). Parked fetches on a deleted topic end at their max
 * wait. Errors: UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v6 by id).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

interface Result {
  name: string | null;
  id: Buffer | null;
  error: number;
}

export const deleteTopics: ApiHandler = {
  key: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  firstFlexibleVersion: 4,
  handle(req, version, ctx) {
    const flex = version >= 4;
    const wanted =
      version >= 6
        ? req.arr(flex, (r) => {
            const name = r.nullableStr(flex);
            const id = r.uuid();
            r.tags(flex);
            return { name, id };
          })
        : req.arr(flex, (r) => ({ name: r.str(flex) as string | null, id: null as Buffer | null }));
    req.int32(); // timeout_ms
    req.tags(flex);

    const store = ctx.broker.store;
    const results = wanted.map(({ name, id }): Result => {
      const info = name !== null ? store.topic(name) : id ? store.topicById(id) : undefined;
      if (!info) {
        const error = name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return { name, id, error };
      }
      const deleted = ctx.broker.deleteTopic(info.name);
      return { name: info.name, id: info.id, error: deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    });

    const w = new Writer(64 + results.length * 48);
    if (version >= 1) w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, t) => {
      if (version >= 6) w.nullableStr(flex, t.name).uuid(t.id);
      else w.str(flex, t.name ?? '');
      w.int16(t.error);
      if (version >= 5) w.nullableStr(flex, null);
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
