/**
 * AddOffsetsToTxn (key 25), v0-3; flexible from v3.
 *
 * Lets the producer's transaction carry a group's offsets (TxnOffsetCommit stages them;
 * EndTxn commits or drops them). Opens a transaction if none is open. Errors as for
 * AddPartitionsToTxn (INVALID_PRODUCER_EPOCH for a fenced producer).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const addOffsetsToTxn: ApiHandler = {
  key: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 3,
  firstFlexibleVersion: 3,
  handle(req, version, ctx) {
    const flex = version >= 3;
    const transactionalId = req.str(flex);
    const producerId = req.int64();
    const epoch = req.int16();
    req.str(flex); // group_id: any group, this broker coordinates them all
    req.tags(flex);
    const error = ctx.broker.transactions.addOffsets(ctx.broker, transactionalId, producerId, epoch);
    return new Writer(16).int32(0).int16(error).tags(flex);
  },
};
