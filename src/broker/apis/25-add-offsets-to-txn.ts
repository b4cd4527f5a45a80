/**
 * AddOffsetsToTxn (key 25), v0-3; flexible from v3.
 *
 * Lets the producer's transaction carry a group's offsets (TxnOffsetCommit stages them;
 * EndTxn commits or drops them). Opens a transaction if none is open. Errors as for
 * AddPartitionsToTxn (INVALID_PRODUCER_EPOCH for a fenced producer).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { readTxnProducer, TXN_API_VERSIONS } from './txn-request.js';

export const addOffsetsToTxn: ApiHandler = {
  key: 25,
  name: 'AddOffsetsToTxn',
  ...TXN_API_VERSIONS,
  handle(req, version, ctx) {
    const flex = version >= TXN_API_VERSIONS.firstFlexibleVersion;
    const { transactionalId, producerId, epoch } = readTxnProducer(req, flex);
    const groupId = req.str(flex); // any group: this broker coordinates them all
    req.tags(flex);
    const error = ctx.broker.transactions.addOffsets(ctx.broker, transactionalId, producerId, epoch, groupId);
    return new Writer(16).int32(0).int16(error).tags(flex);
  },
};
