/**
 * SyncGroup (key 14), v0-5; flexible from v4.
 *
 * Behaviour: every member's SyncGroup is held until the leader's arrives with the
 * assignments; then each member gets its own bytes (empty if the leader gave it none) and
 * the group is Stable. In a Stable group the current assignment is answered at once.
 * v5+ protocol type/name must match the group's. Errors: UNKNOWN_MEMBER_ID,
 * ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, INCONSISTENT_GROUP_PROTOCOL, INVALID_GROUP_ID.
 * Not done: static membership checks (group_instance_id is read and ignored).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const syncGroup: ApiHandler = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,
  async handle(req, version, ctx) {
    const flex = version >= 4;
    const groupId = req.str(flex);
    const generationId = req.int32();
    const memberId = req.str(flex);
    const groupInstanceId = version >= 3 ? req.nullableStr(flex) : null;
    const protocolType = version >= 5 ? req.nullableStr(flex) : null;
    const protocolName = version >= 5 ? req.nullableStr(flex) : null;
    const assignments = req.arr(flex, (r) => {
      const member = r.str(flex);
      const assignment = Buffer.from(r.bytesF(flex));
      r.tags(flex);
      return { memberId: member, assignment };
    });
    req.tags(flex);

    const result = await ctx.broker.groups.syncGroup(
      { groupId, generationId, memberId, groupInstanceId, protocolType, protocolName, assignments },
      ctx.signal,
    );
    const w = new Writer(32 + result.assignment.length);
    if (version >= 1) w.int32(0); // throttle_time_ms
    w.int16(result.errorCode);
    if (version >= 5) w.nullableStr(flex, result.protocolType).nullableStr(flex, result.protocolName);
    w.bytesF(flex, result.assignment);
    return w.tags(flex);
  },
};
