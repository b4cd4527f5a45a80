/**
 * DescribeTransactions (key 65), v0; flexible.
 *
 * The embedded broker does not run transactions (AddPartitionsToTxn and EndTxn are not
 * served; a transactional producer is told so, see README). A transactional id that
 * InitProducerId has seen is reported in state "Empty" (no transaction open) with its
 * producer id and epoch; any other id gets TRANSACTIONAL_ID_NOT_FOUND, as from Kafka.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const describeTransactions: ApiHandler = {
  key: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  handle(req, _version, ctx) {
    const ids = req.compactArray((r) => r.compactString());
    req.tags(true);
    const w = new Writer(64 + ids.length * 64);
    w.int32(0); // throttle_time_ms
    w.compactArray(ids, (w, id) => {
      const known = ctx.broker.producers.transactional(id);
      w.int16(known ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND).compactString(id);
      w.compactString(known ? 'Empty' : '').int32(known ? 60_000 : -1).int64(-1n);
      w.int64(known?.producerId ?? -1n).int16(known?.epoch ?? -1);
      w.compactArray([], () => {}); // topics: no transaction open
      w.tags(true);
    });
    return w.tags(true);
  },
};
