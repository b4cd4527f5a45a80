/**
 * InitProducerId (key 22), v0-4; flexible from v2.
 *
 * Hands out a producer id with epoch 0 for idempotent producers. A v3+ request carrying
 * its current id and epoch (KIP-360) gets the same id with the next epoch. A transactional
 * id is accepted and given an id too, but transactions themselves (keys 24-28) are not
 * implemented: such a producer is reported at once as a client problem (clients check
 * ApiVersions, see AddPartitionsToTxn missing and fail on their side, often only with a
 * timeout), so the user learns why from devmode's output.
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
    if (transactionalId !== null) {
      ctx.problem?.({
        kind: 'unsupported-feature',
        api: 'InitProducerId',
        version,
        message: `the client set up a transactional producer (transactional.id "${transactionalId}"); devmode's embedded broker does not support transactions yet, so its transactional sends will fail`,
        hint: 'Use a producer without transactional.id (idempotence works), or a real Kafka (kafka.mode: container).',
      });
    }
    return new Writer(32)
      .int32(0) // throttle_time_ms
      .int16(ErrorCode.NONE)
      .int64(given.producerId)
      .int16(given.epoch)
      .tags(flex);
  },
};
