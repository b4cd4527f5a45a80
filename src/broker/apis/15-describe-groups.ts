/**
 * DescribeGroups (key 15), v0-5; flexible from v5.
 *
 * Behaviour: per group: state, protocol type, and members (id, instance id (v4+), client
 * id, client host). As Kafka, member metadata, assignment bytes and the chosen protocol
 * are filled only while the group is Stable. An unknown group is reported with state Dead
 * and no error (Kafka's behaviour before v6); a group known only by its committed offsets
 * is Empty. Not done: authorized operations (v3+: always "not requested", INT32_MIN).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const describeGroups: ApiHandler = {
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  firstFlexibleVersion: 5,
  handle(req, version, ctx) {
    const flex = version >= 5;
    const ids = req.arr(flex, (r) => r.str(flex));
    if (version >= 3) req.bool(); // include_authorized_operations
    req.tags(flex);

    const described = ids.map((id) => ctx.broker.groups.describeGroup(id));
    const w = new Writer(256);
    if (version >= 1) w.int32(0); // throttle_time_ms
    w.arr(flex, described, (w, g) => {
      w.int16(g.errorCode).str(flex, g.groupId).str(flex, g.state).str(flex, g.protocolType).str(flex, g.protocolData);
      w.arr(flex, g.members, (w, m) => {
        w.str(flex, m.memberId);
        if (version >= 4) w.nullableStr(flex, m.groupInstanceId);
        w.str(flex, m.clientId).str(flex, m.clientHost).bytesF(flex, m.metadata).bytesF(flex, m.assignment).tags(flex);
      });
      if (version >= 3) w.int32(AUTHORIZED_OPERATIONS_OMITTED);
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
