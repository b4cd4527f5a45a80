/**
 * Turns what a client did wrong into `broker.client.error` events, bounded: a client that
 * retries in a loop (a reconnect per second is common) gives one event per problem per
 * window, and the next one after the window says how many were held back. A cap across all
 * clients keeps a flood of distinct problems (a port scanner, a fuzzer) from flooding too.
 */
import type { BrokerEvent } from '../../core/events/index.js';
import type { ConnectionClient } from './connection-client.js';

/** One problem, as the connection or a handler saw it: the event's own fields (see core/events). */
export type ClientProblem = Pick<Extract<BrokerEvent, { type: 'broker.client.error' }>, 'kind' | 'api' | 'version' | 'message' | 'hint' | 'closed'>;

/** The connection the problem came from. */
export interface ProblemSource {
  readonly remote: string;
  readonly clientId: string | null;
  readonly client?: ConnectionClient | undefined;
}

export interface ClientProblemsOptions {
  /** same client, same problem: at most one event per window; default 30 s */
  windowMs?: number;
  /** all problems: at most this many events per window; default 20 */
  maxPerWindow?: number;
  now?: () => number;
}

interface Tally {
  since: number;
  held: number;
}

/** Problems tracked at once; the oldest are forgotten past this. */
const MAX_TRACKED = 1024;

export class ClientProblems {
  readonly #publish: (e: BrokerEvent) => void;
  readonly #windowMs: number;
  readonly #maxPerWindow: number;
  readonly #now: () => number;
  readonly #tallies = new Map<string, Tally>();
  #windowStart = -Infinity;
  #published = 0;

  constructor(publish: (e: BrokerEvent) => void, options: ClientProblemsOptions = {}) {
    this.#publish = publish;
    this.#windowMs = options.windowMs ?? 30_000;
    this.#maxPerWindow = options.maxPerWindow ?? 20;
    this.#now = options.now ?? Date.now;
  }

  report(source: ProblemSource, problem: ClientProblem): void {
    const now = this.#now();
    // the host, not the port: a retrying client reconnects from a new port each time
    const host = source.remote.replace(/:\d+$/, '');
    // without an API (framing problems), the message tells TLS from HTTP from garbage
    const what = problem.api === undefined ? problem.message : `${problem.api}\0${problem.version ?? ''}`;
    const key = `${host}\0${source.clientId ?? ''}\0${problem.kind}\0${what}`;
    const tally = this.#tallies.get(key);
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#published = 0;
    }
    if ((tally && now - tally.since < this.#windowMs) || this.#published >= this.#maxPerWindow) {
      if (tally) tally.held++;
      else this.#track(key, { since: now, held: 1 });
      return;
    }
    const repeats = tally?.held ?? 0;
    this.#track(key, { since: now, held: 0 });
    this.#published++;
    const event: Extract<BrokerEvent, { type: 'broker.client.error' }> = {
      type: 'broker.client.error',
      remote: source.remote,
      clientId: source.clientId,
      kind: problem.kind,
      message: problem.message,
      hint: problem.hint,
      closed: problem.closed,
      ts: now,
    };
    if (problem.api !== undefined) event.api = problem.api;
    if (problem.version !== undefined) event.version = problem.version;
    if (repeats > 0) event.repeats = repeats;
    if (source.client) source.client.publishProblem(event);
    else this.#publish(event);
  }

  #track(key: string, tally: Tally): void {
    this.#tallies.delete(key);
    this.#tallies.set(key, tally);
    if (this.#tallies.size > MAX_TRACKED) this.#tallies.delete(this.#tallies.keys().next().value!);
  }
}
