/**
 * ListGroups (key 16), v0-4; flexible from v3.
 *
 * Behaviour: every group with members, or with committed offsets (those show as Empty),
 * with its protocol type and (v4+) state; v4+ filter by state (case-insensitive, as Kafka).
 * Not done: v5 group types (KIP-848: every group here is classic).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

export const listGroups: ApiHandler = {
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 3,
  handle(req, version, ctx) {
    const flex = version >= 3;
    const states = version >= 4 ? req.arr(flex, (r) => r.str(flex)) : [];
    req.tags(flex);

    const groups = ctx.broker.groups.listGroups(states);
    const w = new Writer(64 + groups.length * 48);
    if (version >= 1) w.int32(0); // throttle_time_ms
    w.int16(ErrorCode.NONE);
    w.arr(flex, groups, (w, g) => {
      w.str(flex, g.groupId).str(flex, g.protocolType);
      if (version >= 4) w.str(flex, g.state);
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
