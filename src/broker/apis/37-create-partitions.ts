/**
 * CreatePartitions (key 37), v0-3; flexible from v2.
 *
 * Grows a topic to `count` partitions (new ones empty, with the topic's configs; kept with
 * the data directory). Consumers see them at their next metadata refresh, and groups
 * rebalance as with Kafka. Manual assignments are accepted and ignored (one broker).
 * validate_only checks without growing. Errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS
 * (not larger than now, or past the broker's limit), INVALID_REQUEST (a topic twice).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const createPartitions: ApiHandler = {
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 2,
  handle(req, version, ctx) {
    const flex = version >= 2;
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const count = r.int32();
      r.nullableArr(flex, (a) => {
        a.arr(flex, (b) => b.int32());
        a.tags(flex);
        return null;
      });
      r.tags(flex);
      return { name, count };
    });
    req.int32(); // timeout_ms
    const validateOnly = req.bool();
    req.tags(flex);

    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const store = ctx.broker.store;
    const results = topics.map(({ name, count }) => {
      const fail = (error: number, message: string) => ({ name, error, message: message as string | null });
      if ((seen.get(name) ?? 0) > 1) return fail(ErrorCode.INVALID_REQUEST, `topic ${name} appears more than once in the request`);
      const info = store.topic(name);
      if (!info) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
      if (count <= info.partitions) {
        return fail(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${info.partitions} partitions, which is higher than the requested ${count}.`);
      }
      if (validateOnly) return { name, error: ErrorCode.NONE, message: null };
      try {
        store.addPartitions(name, count);
        return { name, error: ErrorCode.NONE, message: null };
      } catch (error) {
        const code = (error as { code?: number }).code;
        return fail(typeof code === 'number' && code !== 0 ? code : ErrorCode.UNKNOWN_SERVER_ERROR, (error as Error).message);
      }
    });
    const w = new Writer(64 + results.length * 48);
    w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, r) => {
      w.str(flex, r.name).int16(r.error).nullableStr(flex, r.message).tags(flex);
    });
    return w.tags(flex);
  },
};
