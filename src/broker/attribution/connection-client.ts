/**
 * What the broker knows about the client at the other end of one connection: its client
 * id, the consumer groups it is a member of, and the service instance whose process owns
 * it. Stamps that owner on the connection's `broker.append` and `broker.fetch` events.
 *
 * The owner is looked up once, on the first produce or fetch, asynchronously; the events
 * of that connection are held (a few at most) until the answer comes, so even the first
 * record a service produces is attributed.
 */
import type { BrokerEvent } from '../../core/events/index.js';
import type { ClientOwner, ClientResolver } from './types.js';
import type { GroupIndex } from './group-index.js';

type AppendEvent = Extract<BrokerEvent, { type: 'broker.append' }>;
type FetchEvent = Extract<BrokerEvent, { type: 'broker.fetch' }>;
type ProblemEvent = Extract<BrokerEvent, { type: 'broker.client.error' }>;

/** Events held while the owner is looked up; past this they go out unattributed. */
const MAX_HELD = 256;
/** A resolver that has not answered by then is taken as "unknown". */
const RESOLVE_TIMEOUT_MS = 2000;
/** At most one `broker.fetch` per connection and partition per this period. */
export const FETCH_EVENT_INTERVAL_MS = 1000;

/** What one connection's client needs from the broker. */
export interface ClientEnvironment {
  publish(e: BrokerEvent): void;
  /** null: no attribution (events go out with the client id only) */
  readonly resolver: ClientResolver | null;
  readonly brokerPort: number;
  readonly groupIndex: GroupIndex;
}

interface FetchTally {
  last: number;
  bytes: number;
  batches: number;
}

export class ConnectionClient {
  /** the client id of the latest request (the connection keeps it current) */
  clientId: string | null = null;
  readonly remote: string;
  readonly #remotePort: number;
  /** as the group coordinator records a member's host: "/127.0.0.1" */
  readonly #host: string;
  readonly #env: ClientEnvironment;
  /** groups this connection itself joined or heartbeats for (exact, unlike client id + host) */
  #memberOf: string[] = [];
  #owner: ClientOwner | undefined;
  #lookup: 'none' | 'pending' | 'done' = 'none';
  #held: BrokerEvent[] = [];
  readonly #fetches = new Map<string, FetchTally>();

  constructor(env: ClientEnvironment, remoteAddress: string, remotePort: number) {
    this.#env = env;
    this.#remotePort = remotePort;
    this.remote = `${remoteAddress}:${remotePort}`;
    this.#host = `/${remoteAddress.replace(/^\[|\]$/g, '')}`;
  }

  /** The owner once found (undefined while unknown). */
  get owner(): ClientOwner | undefined {
    return this.#owner;
  }

  /** A JoinGroup/Heartbeat/SyncGroup (joined) or LeaveGroup (left) for `group` on this connection. */
  noteGroup(group: string, joined: boolean): void {
    const at = this.#memberOf.indexOf(group);
    if (joined && at < 0) this.#memberOf = [...this.#memberOf, group];
    else if (!joined && at >= 0) this.#memberOf = this.#memberOf.filter((g) => g !== group);
  }

  /**
   * The consumer groups this client is a member of: those the connection itself speaks for,
   * else (librdkafka talks to the coordinator on another connection) the groups with a
   * member of the same client id and host.
   */
  groups(): readonly string[] {
    if (this.#memberOf.length > 0) return this.#memberOf;
    return this.#env.groupIndex.groupsOf(this.clientId ?? '', this.#host);
  }

  /** Publishes an append event with the connection's owner (held while it is looked up). */
  publishAppend(e: AppendEvent): void {
    this.#publish(e);
  }

  /** Publishes a client problem with the connection's owner (looked up now if not yet). */
  publishProblem(e: ProblemEvent): void {
    this.#publish(e);
  }

  /**
   * Counts what one fetch returned from a partition; publishes a `broker.fetch` on the first
   * fetch of the partition and then at most once per FETCH_EVENT_INTERVAL_MS.
   */
  noteFetch(topic: string, partition: number, offset: bigint, highWatermark: bigint, bytes: number, batches: number, now: number): void {
    const key = `${topic}\0${partition}`;
    let tally = this.#fetches.get(key);
    if (!tally) {
      tally = { last: -Infinity, bytes: 0, batches: 0 };
      this.#fetches.set(key, tally);
    }
    tally.bytes += bytes;
    tally.batches += batches;
    if (now - tally.last < FETCH_EVENT_INTERVAL_MS) return;
    const event: FetchEvent = {
      type: 'broker.fetch',
      topic,
      partition,
      clientId: this.clientId ?? '',
      offset: Number(offset),
      highWatermark: Number(highWatermark),
      bytes: tally.bytes,
      batches: tally.batches,
      ts: now,
    };
    const group = this.groups()[0];
    if (group !== undefined) event.group = group;
    tally.last = now;
    tally.bytes = 0;
    tally.batches = 0;
    this.#publish(event);
  }

  #publish(e: AppendEvent | FetchEvent | ProblemEvent): void {
    const env = this.#env;
    if (!env.resolver || this.#lookup === 'done') {
      stamp(e, this.#owner);
      env.publish(e);
      return;
    }
    if (this.#held.length < MAX_HELD) this.#held.push(e);
    else env.publish(e);
    if (this.#lookup === 'none') this.#resolve(env.resolver);
  }

  #resolve(resolver: ClientResolver): void {
    this.#lookup = 'pending';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), RESOLVE_TIMEOUT_MS);
      timer.unref();
    });
    const asked = (async () => resolver(this.#remotePort, this.#env.brokerPort))();
    Promise.race([asked, timeout])
      .catch(() => undefined)
      .then((owner) => {
        clearTimeout(timer);
        this.#owner = owner;
        this.#lookup = 'done';
        const env = this.#env;
        const attributed: BrokerEvent = {
          type: 'broker.client.attributed',
          remote: this.remote,
          clientId: this.clientId,
          pid: owner?.pid ?? null,
          ts: Date.now(),
        };
        stamp(attributed, owner);
        env.publish(attributed);
        const held = this.#held;
        this.#held = [];
        for (const e of held) {
          if (e.type === 'broker.append' || e.type === 'broker.fetch' || e.type === 'broker.client.error') stamp(e, owner);
          env.publish(e);
        }
      });
  }
}

function stamp(e: { service?: string; instance?: number }, owner: ClientOwner | undefined): void {
  if (owner?.service === undefined) return;
  e.service = owner.service;
  if (owner.instance !== undefined) e.instance = owner.instance;
}
