/**
 * InitProducerId (key 22), v0-4; flexible from v2.
 *
 * Hands out a producer id with epoch 0 for idempotent producers. A v3+ request carrying
 * its current id and epoch (KIP-360) gets the same id with the next epoch. A transactional
 * id is accepted and given an id too, but transactions themselves (keys 24-28) are not
 * implemented, so a transactional producer fails later with a clear unsupported-API close.
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
    req.int32(); // transaction_timeout_ms
    let current: { producerId: bigint; epoch: number } | null = null;
    if (version >= 3) {
      const producerId = req.int64();
      const epoch = req.int16();
      if (producerId >= 0n) current = { producerId, epoch };
    }
    req.tags(flex);
    const given = ctx.broker.producers.init(transactionalId, current);
    return new Writer(32)
      .int32(0) // throttle_time_ms
      .int16(ErrorCode.NONE)
      .int64(given.producerId)
      .int16(given.epoch)
      .tags(flex);
  },
};
