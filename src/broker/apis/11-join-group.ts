/**
 * JoinGroup (key 11), v0-9; flexible from v6.
 *
 * Behaviour: classic-protocol join through the GroupCoordinator. v4+ new members first get
 * MEMBER_ID_REQUIRED with their id (KIP-394) and rejoin with it; v0-3 join at once. The
 * response is held until the join round completes (all members rejoined, or the rebalance
 * timeout), then the leader gets every member's metadata. v0 has no rebalance timeout: the
 * session timeout is used. Any positive session timeout is accepted (Kafka: 6 s minimum).
 * Errors: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT, UNKNOWN_MEMBER_ID,
 * INCONSISTENT_GROUP_PROTOCOL, MEMBER_ID_REQUIRED, COORDINATOR_NOT_AVAILABLE (stopping).
 * Not done: static membership (group_instance_id is recorded and echoed, but the member is
 * treated as dynamic), the v8+ reason (read, ignored), skip_assignment (always false).
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { clientHostOf } from '../groups/client-host.js';

export const joinGroup: ApiHandler = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  firstFlexibleVersion: 6,
  async handle(req, version, ctx) {
    const flex = version >= 6;
    const groupId = req.str(flex);
    const sessionTimeoutMs = req.int32();
    const rebalanceTimeoutMs = version >= 1 ? req.int32() : sessionTimeoutMs;
    const memberId = req.str(flex);
    const groupInstanceId = version >= 5 ? req.nullableStr(flex) : null;
    const protocolType = req.str(flex);
    const protocols = req.arr(flex, (r) => {
      const name = r.str(flex);
      // copied: the request buffer is not ours to keep beyond this call
      const metadata = Buffer.from(r.bytesF(flex));
      r.tags(flex);
      return { name, metadata };
    });
    if (version >= 8) req.nullableStr(flex); // reason
    req.tags(flex);

    const result = await ctx.broker.groups.joinGroup(
      {
        groupId,
        sessionTimeoutMs,
        rebalanceTimeoutMs: rebalanceTimeoutMs > 0 ? rebalanceTimeoutMs : sessionTimeoutMs,
        memberId,
        groupInstanceId,
        protocolType,
        protocols,
        requireKnownMemberId: version >= 4,
        clientId: ctx.clientId ?? '',
        clientHost: clientHostOf(ctx.remote),
      },
      ctx.signal,
    );

    const w = new Writer(128 + result.members.reduce((n, m) => n + m.memberId.length + m.metadata.length + 16, 0));
    if (version >= 2) w.int32(0); // throttle_time_ms
    w.int16(result.errorCode).int32(result.generationId);
    if (version >= 7) w.nullableStr(flex, result.protocolType).nullableStr(flex, result.protocolName);
    else w.str(flex, result.protocolName ?? '');
    w.str(flex, result.leader);
    if (version >= 9) w.bool(false); // skip_assignment
    w.str(flex, result.memberId);
    w.arr(flex, result.members, (w, m) => {
      w.str(flex, m.memberId);
      if (version >= 5) w.nullableStr(flex, m.groupInstanceId);
      w.bytesF(flex, m.metadata).tags(flex);
    });
    return w.tags(flex);
  },
};
