import type { Member } from './member.js';

/** Protocol names every member supports (in the first member's preference order). */
export function candidateProtocols(members: Iterable<Member>): string[] {
  let candidates: string[] | null = null;
  for (const member of members) {
    const names = new Set(member.protocols.map((p) => p.name));
    candidates = (candidates ?? member.protocols.map((p) => p.name)).filter((n) => names.has(n));
  }
  return candidates ?? [];
}

/**
 * Whether a member offering `protocolType`/`protocolNames` may join a group whose members
 * are `members`: an empty group takes any non-empty offer; otherwise the type must match and
 * at least one offered protocol must be supported by every member (else Kafka answers
 * INCONSISTENT_GROUP_PROTOCOL).
 */
export function supportsProtocols(
  members: readonly Member[],
  groupProtocolType: string | null,
  protocolType: string,
  protocolNames: readonly string[],
): boolean {
  if (members.length === 0) return protocolType !== '' && protocolNames.length > 0;
  if (protocolType !== groupProtocolType) return false;
  const candidates = new Set(candidateProtocols(members));
  return protocolNames.some((n) => candidates.has(n));
}

/**
 * Kafka's selection: among the protocols all members support, each member votes for the one
 * it lists first, and the most votes win. Ties go to the earliest candidate in the first
 * member's order, so the choice is deterministic. Null when there is no common protocol.
 */
export function selectProtocol(members: readonly Member[]): string | null {
  const candidates = candidateProtocols(members);
  if (candidates.length === 0) return null;
  const candidateSet = new Set(candidates);
  const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
  for (const member of members) {
    const choice = member.protocols.find((p) => candidateSet.has(p.name));
    if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = -1;
  for (const name of candidates) {
    const n = votes.get(name) ?? 0;
    if (n > bestVotes) {
      best = name;
      bestVotes = n;
    }
  }
  return best;
}
