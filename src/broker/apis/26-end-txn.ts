/**
 * EndTxn (key 26), v0-3; flexible from v3.
 *
 * Commits or aborts the producer's open transaction: a control batch (commit or abort
 * marker) is appended to every partition added to it, the partitions' last stable offset
 * moves past it, an abort is listed for read_committed fetches, and on commit the offsets
 * staged by TxnOffsetCommit become the group's committed offsets. With no transaction
 * open it answers NONE (a retried EndTxn). A fenced producer gets INVALID_PRODUCER_EPOCH.
 * Not done: v4-5 (KIP-890 epoch bump per transaction).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { readTxnProducer, TXN_API_VERSIONS } from './txn-request.js';

export const endTxn: ApiHandler = {
  key: 26,
  name: 'EndTxn',
  ...TXN_API_VERSIONS,
  handle(req, version, ctx) {
    const flex = version >= TXN_API_VERSIONS.firstFlexibleVersion;
    const { transactionalId, producerId, epoch } = readTxnProducer(req, flex);
    const commit = req.bool();
    req.tags(flex);
    const error = ctx.broker.transactions.endTxn(ctx.broker, transactionalId, producerId, epoch, commit);
    return new Writer(16).int32(0).int16(error).tags(flex);
  },
};
