/**
 * DeleteGroups (key 42), v0-2; flexible from v2.
 *
 * Behaviour: deletes Empty groups and their committed offsets. Errors per group:
 * NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND when neither the group nor any
 * offsets exist, INVALID_GROUP_ID for ''. Not done: nothing beyond these.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

export const deleteGroups: ApiHandler = {
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  firstFlexibleVersion: 2,
  handle(req, version, ctx) {
    const flex = version >= 2;
    const ids = req.arr(flex, (r) => r.str(flex));
    req.tags(flex);
    const results = ids.map((groupId) => ({ groupId, errorCode: ctx.broker.groups.deleteGroup(groupId) }));
    const w = new Writer(32 + ids.length * 32);
    w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, r) => {
      w.str(flex, r.groupId).int16(r.errorCode).tags(flex);
    });
    return w.tags(flex);
  },
};
