/**
 * DeleteRecords (key 21), v0-2; flexible from v2.
 *
 * Moves each partition's log start offset to the offset given (-1: the high watermark):
 * records below it are no longer served (a fetch there gets OFFSET_OUT_OF_RANGE, as in
 * Kafka), whole segments below it are freed, and the new start is kept with the data
 * directory. Answers the new low watermark. Errors: UNKNOWN_TOPIC_OR_PARTITION,
 * OFFSET_OUT_OF_RANGE (past the high watermark).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const deleteRecords: ApiHandler = {
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: 2,
  handle(req, version, ctx) {
    const flex = version >= 2;
    const store = ctx.broker.store;
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.arr(flex, (p) => {
        const partition = p.int32();
        const offset = p.int64();
        p.tags(flex);
        if (!store.partition(name, partition)) return { partition, lowWatermark: -1n, error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION as number };
        try {
          return { partition, lowWatermark: store.deleteRecords(name, partition, offset), error: ErrorCode.NONE as number };
        } catch (error) {
          const code = (error as { code?: number }).code;
          return { partition, lowWatermark: -1n, error: typeof code === 'number' && code !== 0 ? code : ErrorCode.UNKNOWN_SERVER_ERROR };
        }
      });
      r.tags(flex);
      return { name, partitions };
    });
    req.int32(); // timeout_ms
    req.tags(flex);

    const w = new Writer(64 + topics.length * 64);
    w.int32(0); // throttle_time_ms
    w.arr(flex, topics, (w, t) => {
      w.str(flex, t.name);
      w.arr(flex, t.partitions, (w, p) => {
        w.int32(p.partition).int64(p.lowWatermark).int16(p.error).tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
