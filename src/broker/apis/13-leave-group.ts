/**
 * LeaveGroup (key 13), v0-5; flexible from v4.
 *
 * Behaviour: v0-2 remove one member (its error is the response's error); v3+ remove a
 * batch with a per-member error (a member may be named by group_instance_id alone). The
 * rest of the group rebalances. Errors: UNKNOWN_MEMBER_ID, INVALID_GROUP_ID,
 * COORDINATOR_NOT_AVAILABLE (stopping). Not done: the v5+ reason (read, ignored).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const leaveGroup: ApiHandler = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 4,
  handle(req, version, ctx) {
    const flex = version >= 4;
    const groupId = req.str(flex);
    const members =
      version >= 3
        ? req.arr(flex, (r) => {
            const memberId = r.str(flex);
            const groupInstanceId = r.nullableStr(flex);
            if (version >= 5) r.nullableStr(flex); // reason
            r.tags(flex);
            return { memberId, groupInstanceId };
          })
        : [{ memberId: req.str(flex), groupInstanceId: null }];
    req.tags(flex);

    const result = ctx.broker.groups.leaveGroup(groupId, members);
    const w = new Writer(32 + members.length * 64);
    if (version >= 1) w.int32(0); // throttle_time_ms
    if (version >= 3) {
      w.int16(result.errorCode);
      w.arr(flex, result.members, (w, m) => {
        w.str(flex, m.memberId).nullableStr(flex, m.groupInstanceId).int16(m.errorCode).tags(flex);
      });
    } else {
      // one member: a group-wide error wins, else that member's own
      const memberError = result.members[0]?.errorCode ?? ErrorCode.NONE;
      w.int16(result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError);
    }
    return w.tags(flex);
  },
};
