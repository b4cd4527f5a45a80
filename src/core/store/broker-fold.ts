import type { GroupView, OpenTransactionView, TopicView } from '../contracts.js';
import type { DevmodeEvent } from '../events/index.js';
import type { BrokerView, GroupTraffic } from './snapshot.js';

/**
 * The broker as views see it: its mode, address and state from events; topics, groups and
 * open transactions as last polled; each group attributed to the services seen fetching for it.
 */
export class BrokerFold {
  #mode: BrokerView['mode'] = null;
  #address = '';
  #state: BrokerView['state'] = 'starting';
  #topics: readonly TopicView[] = [];
  #groups: readonly GroupView[] = [];
  #transactions: readonly OpenTransactionView[] = [];
  #polledAt: number | null = null;
  readonly #groupServices = new Map<string, Set<string>>();

  /** Whether polling it makes sense now (not while it is down or stopped). */
  get reachable(): boolean {
    return this.#state !== 'down' && this.#state !== 'stopped';
  }

  /** Folds one event; returns whether it was about the broker. */
  fold(event: DevmodeEvent): boolean {
    switch (event.type) {
      case 'broker.started':
        this.#mode = event.mode;
        this.#address = event.bootstrap;
        this.#state = 'up';
        return true;
      case 'broker.down':
        this.#state = 'down';
        return true;
      case 'broker.up':
        this.#address = event.bootstrap;
        this.#state = 'up';
        return true;
      case 'broker.stopped':
        this.#state = 'stopped';
        return true;
      case 'broker.fetch':
        if (event.group !== undefined && event.service !== undefined) this.#attribute(event.group, event.service);
        return true;
      case 'broker.append':
        return true;
      default:
        return false;
    }
  }

  polled(topics: readonly TopicView[], groups: readonly GroupView[], transactions: readonly OpenTransactionView[], at: number): void {
    this.#topics = topics;
    this.#groups = groups;
    this.#transactions = transactions;
    this.#polledAt = at;
  }

  seed(b: BrokerView): void {
    this.#mode = b.mode;
    this.#address = b.address;
    this.#state = b.state;
    this.#groupServices.clear();
    for (const g of b.groups) for (const s of g.services) this.#attribute(g.groupId, s);
    this.polled(b.topics, b.groups, b.transactions ?? [], b.polledAt ?? 0); // an older devmode's snapshot has no transactions
    this.#polledAt = b.polledAt;
  }

  view(): BrokerView {
    const groups: GroupTraffic[] = this.#groups.map((g) =>
      Object.freeze({ ...g, services: Object.freeze([...(this.#groupServices.get(g.groupId) ?? [])].sort()), lag: g.offsets.reduce((n, o) => n + o.lag, 0) }),
    );
    return { mode: this.#mode, address: this.#address, state: this.#state, topics: this.#topics, groups, transactions: this.#transactions, polledAt: this.#polledAt };
  }

  #attribute(group: string, service: string): void {
    let services = this.#groupServices.get(group);
    if (!services) {
      if (this.#groupServices.size >= 1024) return;
      this.#groupServices.set(group, (services = new Set()));
    }
    if (services.size < 64) services.add(service);
  }
}
