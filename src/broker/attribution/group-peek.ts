/**
 * Reads the group id of a group-membership request (JoinGroup, Heartbeat, SyncGroup,
 * LeaveGroup: it is the first field of each body, in every version) without handling the
 * request, so a connection learns which groups its client is a member of.
 */
import { Reader } from '../protocol/reader.js';

/** API keys whose requests name the sender's group, and whether the sender joins (true) or leaves it. */
export const GROUP_MEMBER_APIS: ReadonlyMap<number, boolean> = new Map([
  [11, true], // JoinGroup
  [12, true], // Heartbeat
  [14, true], // SyncGroup
  [13, false], // LeaveGroup
]);

/** The group id of a whole request frame (header included), or null when it cannot be read. */
export function peekGroupId(frame: Buffer, flexible: boolean): string | null {
  try {
    const r = new Reader(frame);
    r.int16(); // api key
    r.int16(); // version
    r.int32(); // correlation id
    r.nullableString(); // client id (never compact, even in flexible headers)
    if (flexible) r.taggedFields();
    return r.str(flexible);
  } catch {
    return null;
  }
}
