/**
 * Heartbeat (key 12), v0-4; flexible from v4.
 *
 * Behaviour: keeps a member's session alive. Unknown member: UNKNOWN_MEMBER_ID; wrong
 * generation: ILLEGAL_GENERATION; group preparing a rebalance: REBALANCE_IN_PROGRESS (how
 * members learn to rejoin); otherwise NONE. Not done: static membership checks.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const heartbeat: ApiHandler = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,
  handle(req, version, ctx) {
    const flex = version >= 4;
    const groupId = req.str(flex);
    const generationId = req.int32();
    const memberId = req.str(flex);
    const groupInstanceId = version >= 3 ? req.nullableStr(flex) : null;
    req.tags(flex);
    const errorCode = ctx.broker.groups.heartbeat({ groupId, generationId, memberId, groupInstanceId });
    const w = new Writer(16);
    if (version >= 1) w.int32(0); // throttle_time_ms
    return w.int16(errorCode).tags(flex);
  },
};
