import type { TopologyView } from '../core/contracts.js';
import { UNROUTED, type DevmodeEvent } from '../core/events/index.js';

type Kind = TopologyView['observed'][number]['kind'];

export interface TopologyOptions {
  /** declared dependencies: service -> the services it depends on (config depends_on) */
  declared: ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;
  /** distinct observed edges kept (default 2048): a guard against unbounded names */
  maxEdges?: number;
}

/**
 * The system's graph as observed: caller -> callee from HTTP exchanges and WebSocket
 * connections, producer -> topic from broker appends, topic -> consumer group from
 * fetches. Compared with the declared depends_on: `undeclared` lists service calls that
 * were not declared, `unused` declared dependencies never called so far. Calls from the
 * gateway or an external caller, and within one service (cluster peers), are shown but
 * never count as undeclared; a producer or consumer without attribution shows by client id.
 */
export class Topology {
  readonly #declared = new Map<string, ReadonlySet<string>>();
  readonly #observed = new Map<string, { from: string; to: string; kind: Kind }>();
  readonly #maxEdges: number;

  constructor(options: TopologyOptions) {
    const entries = options.declared instanceof Map ? [...options.declared] : Object.entries(options.declared);
    for (const [from, deps] of entries) this.#declared.set(from, new Set(deps));
    this.#maxEdges = options.maxEdges ?? 2048;
  }

  /** Feeds one event; others than traffic and broker appends and fetches are ignored. */
  observe(event: DevmodeEvent): void {
    switch (event.type) {
      case 'http.exchange':
        // An exchange devmode answered without reaching the callee still shows the caller's
        // intent; one that matched no route has no callee to show.
        if (event.callee.service === UNROUTED) break;
        this.#add(event.caller.service, event.callee.service, 'http');
        break;
      case 'ws.opened':
        this.#add(event.caller.service, event.callee.service, 'ws');
        break;
      case 'broker.append':
        this.#add(event.service ?? (event.clientId || 'unknown'), event.topic, 'produce');
        break;
      case 'broker.fetch':
        this.#add(event.topic, event.group ?? event.service ?? (event.clientId || 'unknown'), 'consume');
        break;
      default:
        break;
    }
  }

  view(): TopologyView {
    const observed = [...this.#observed.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    const called = new Set<string>();
    const undeclared: { from: string; to: string }[] = [];
    for (const e of observed) {
      if (e.kind !== 'http' && e.kind !== 'ws') continue;
      if (e.from === e.to) continue;
      const key = `${e.from}\u0000${e.to}`;
      if (called.has(key)) continue;
      called.add(key);
      // Only a declared service's calls can be undeclared: the gateway and outside callers have no depends_on.
      const deps = this.#declared.get(e.from);
      if (deps && !deps.has(e.to)) undeclared.push({ from: e.from, to: e.to });
    }
    const unused: { from: string; to: string }[] = [];
    for (const [from, deps] of this.#declared) for (const to of deps) if (!called.has(`${from}\u0000${to}`)) unused.push({ from, to });
    return { observed, undeclared, unused };
  }

  #add(from: string, to: string, kind: Kind): void {
    const key = `${kind}\u0000${from}\u0000${to}`;
    if (this.#observed.has(key) || this.#observed.size >= this.#maxEdges) return;
    this.#observed.set(key, { from, to, kind });
  }
}
