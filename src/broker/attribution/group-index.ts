/**
 * Which consumer groups a client belongs to, by client id and host, from the group
 * coordinator's snapshot. Rebuilt lazily after a group change (the broker calls
 * `invalidate()` on rebalance and member-left events), so a lookup is one map get.
 */
import type { GroupCoordinator } from '../groups/coordinator.js';

const NONE: readonly string[] = [];

export class GroupIndex {
  readonly #coordinator: GroupCoordinator;
  #byClient: Map<string, string[]> | null = null;

  constructor(coordinator: GroupCoordinator) {
    this.#coordinator = coordinator;
  }

  /** Groups change: the next lookup reads the coordinator again. */
  invalidate(): void {
    this.#byClient = null;
  }

  /** Groups with a member of this client id on this host ("/127.0.0.1", as Kafka shows it). */
  groupsOf(clientId: string, host: string): readonly string[] {
    this.#byClient ??= this.#build();
    return this.#byClient.get(`${clientId}\0${host}`) ?? NONE;
  }

  #build(): Map<string, string[]> {
    const index = new Map<string, string[]>();
    for (const group of this.#coordinator.snapshot()) {
      for (const m of group.members) {
        const key = `${m.clientId}\0${m.host}`;
        const list = index.get(key);
        if (!list) index.set(key, [group.groupId]);
        else if (!list.includes(group.groupId)) list.push(group.groupId);
      }
    }
    return index;
  }
}
