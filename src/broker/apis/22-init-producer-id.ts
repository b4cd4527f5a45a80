/**
 * InitProducerId (key 22), v0-4; flexible from v2.
 *
 * Hands out a producer id with epoch 0 for idempotent producers. A v3+ request carrying
 * its current id and epoch (KIP-360) gets the same id with the next epoch. A transactional
 * id keeps its producer id and gets the next epoch each time (broker/apis/transactions.ts):
 * its open transaction, if any, is aborted, and an older producer with the same id is
 * fenced (INVALID_PRODUCER_EPOCH). A timeout outside (0, 15 min] gets
 * INVALID_TRANSACTION_TIMEOUT.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const initProducerId: ApiHandler = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 2,
  handle(req, version, ctx) {
    const flex = version >= 2;
    const transactionalId = req.nullableStr(flex);
    const timeoutMs = req.int32();
    let current: { producerId: bigint; epoch: number } | null = null;
    if (version >= 3) {
      const producerId = req.int64();
      const epoch = req.int16();
      if (producerId >= 0n) current = { producerId, epoch };
    }
    req.tags(flex);
    const b = ctx.broker;
    const given = transactionalId === null ? { error: ErrorCode.NONE, ...b.producers.init(current) } : b.transactions.init(b, transactionalId, timeoutMs);
    return new Writer(32)
      .int32(0) // throttle_time_ms
      .int16(given.error)
      .int64(given.producerId)
      .int16(given.epoch)
      .tags(flex);
  },
};
