/**
 * FindCoordinator (key 10), v0-4; flexible from v3.
 *
 * Behaviour: this single broker coordinates every group and transactional id, so every
 * key is answered with this broker's node id, host and port. v0-3 take one key; v4+ take
 * a batch and answer one entry per key. A key type other than 0 (group) or 1 (transaction)
 * gets INVALID_REQUEST. Not done: v5-6 (KIP-890 transaction errors, share groups).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const findCoordinator: ApiHandler = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 3,
  handle(req, version, ctx) {
    const flex = version >= 3;
    const single = version <= 3 ? req.str(flex) : '';
    const keyType = version >= 1 ? req.int8() : 0;
    const keys = version >= 4 ? req.arr(flex, (r) => r.str(flex)) : [single];
    req.tags(flex);

    const b = ctx.broker;
    const error = keyType === 0 || keyType === 1 ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST;
    const message = error === ErrorCode.NONE ? null : `unknown coordinator key type ${keyType}`;
    const nodeId = error === ErrorCode.NONE ? b.nodeId : -1;
    const host = error === ErrorCode.NONE ? b.host : '';
    const port = error === ErrorCode.NONE ? b.port : -1;
    const w = new Writer(64 + keys.length * 48);
    if (version >= 1) w.int32(0); // throttle_time_ms
    if (version >= 4) {
      w.arr(flex, keys, (w, key) => {
        w.str(flex, key).int32(nodeId).str(flex, host).int32(port).int16(error).nullableStr(flex, message).tags(flex);
      });
    } else {
      w.int16(error);
      if (version >= 1) w.nullableStr(flex, message);
      w.int32(nodeId).str(flex, host).int32(port);
    }
    return w.tags(flex);
  },
};
