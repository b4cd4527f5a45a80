import { Bus } from '../../core/bus.js';
import type { SystemControl } from '../../core/contracts.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import type { DroppedMarker, SampledMarker } from '../../admin/index.js';
import { EventStore, type RemoteView, type Store, type StoreLimits, type StoreSnapshot, type StoreSources } from '../../core/store/index.js';
import { AdminClient, type SseFrame } from './admin-client.js';
import { RemoteControl } from './remote-control.js';

export interface RemoteStoreOptions {
  /** how often the figures (traffic, topics, CPU, ...) are read again (default 1000 ms) */
  pollMs?: number;
  /** wait between attempts to reconnect after the stream ended (default 1000 ms) */
  reconnectMs?: number;
  limits?: Partial<StoreLimits>;
  /**
   * ask devmode for about this many calls a second at most (failures all, whole traces; see
   * admin/tap-sampler.ts); 0 or absent: every call. Traffic figures are unaffected: they
   * come from the snapshot.
   */
  maxRps?: number;
}

/** A Store fed from a devmode running elsewhere, with the commands that act on it. */
export interface RemoteStoreSession {
  readonly store: Store;
  readonly control: SystemControl;
  /** Stops following; leaves that devmode running. Idempotent. */
  close(): Promise<void>;
}

/**
 * Attaches to a running devmode's admin API (`devmode ui`): the same Store views read in
 * process, fed by the API. Events (`GET /events` as server-sent events) are folded as they
 * come, after the whole read model (`GET /snapshot`) seeded it; the figures computed there
 * (traffic statistics and sparklines, topology, broker topics and groups, CPU and memory)
 * are read again about once a second. When the stream ends (that devmode stopped or went
 * away) the Store shows it (`header.remote`) and reconnects, seeding itself again.
 * Rejects with NoDevmodeError when nothing answers at `adminUrl` at first.
 */
export async function connectRemoteStore(adminUrl: string, options: RemoteStoreOptions = {}): Promise<RemoteStoreSession> {
  const feed = new RemoteFeed(new AdminClient(adminUrl), options);
  await feed.open();
  return feed;
}

/** One subscription to the event stream, and the seq of the snapshot that seeded the Store. */
interface Connection {
  frames: AsyncIterator<SseFrame[]>;
  floor: number;
}

class RemoteFeed implements RemoteStoreSession {
  readonly #client: AdminClient;
  readonly #options: RemoteStoreOptions;
  readonly #bus = new Bus();
  readonly control: SystemControl;
  #store: EventStore | undefined;
  /** the last figures read (a snapshot without logs) */
  #figures: StoreSnapshot | undefined;
  #remote: RemoteView;
  #connection: AbortController | undefined;
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(client: AdminClient, options: RemoteStoreOptions) {
    this.#client = client;
    this.#options = options;
    this.control = new RemoteControl(client);
    this.#remote = { adminUrl: client.url, connected: false, since: Date.now(), error: null };
  }

  get store(): Store {
    return this.#store!;
  }

  async open(): Promise<void> {
    const first = await this.#connect();
    this.#loop = this.#follow(first);
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#loop?.catch(() => {});
    this.#closed = true;
    this.#connection?.abort();
    this.#store?.close();
    await this.#loop?.catch(() => {});
  }

  /**
   * Subscribes to the stream first, then reads the snapshot and seeds the Store from it, so
   * no event falls between: those the snapshot already holds (seq <= its seq) are skipped.
   */
  async #connect(): Promise<Connection> {
    const connection = (this.#connection = new AbortController());
    const frames = (await this.#client.eventFrames(connection.signal, { maxRps: this.#options.maxRps ?? 0 }))[Symbol.asyncIterator]();
    const snapshot = await this.#client.snapshot({}, connection.signal);
    this.#figures = snapshot;
    if (!this.#store) this.#store = new EventStore({ bus: this.#bus, name: snapshot.header.name, sources: this.#sources(), ...(this.#options.pollMs !== undefined ? { pollMs: this.#options.pollMs } : {}), ...(this.#options.limits ? { limits: this.#options.limits } : {}) });
    this.#remote = { adminUrl: this.#client.url, connected: true, since: Date.now(), error: null };
    this.#store.seed(snapshot);
    return { frames, floor: snapshot.seq };
  }

  /** Folds the stream until it ends, then reconnects until close(). */
  async #follow(first: Connection): Promise<void> {
    let current: Connection | undefined = first;
    while (!this.#closed) {
      if (current) {
        const why = await this.#pump(current.frames, current.floor);
        if (this.#closed) return;
        this.#lost(why);
        current = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, this.#options.reconnectMs ?? 1000).unref());
      if (this.#closed) return;
      try {
        current = await this.#connect();
      } catch (error) {
        this.#lost(error instanceof Error ? error.message : String(error));
      }
    }
  }

  /** Publishes the stream's new events to the Store's Bus; returns why it ended. */
  async #pump(frames: AsyncIterator<SseFrame[]>, floor: number): Promise<string> {
    for (;;) {
      const next = await frames.next();
      if (next.done) return 'the devmode stopped or went away';
      for (const { seq, data } of next.value) {
        let event: DevmodeEvent | DroppedMarker | SampledMarker;
        try {
          event = JSON.parse(data) as DevmodeEvent | DroppedMarker | SampledMarker;
        } catch {
          continue;
        }
        // Calls left out on purpose (max-rps): nothing to read again, only to count.
        if (event.type === 'admin.sampled') {
          this.#store?.tapSkipped(event.skipped, event.maxRps);
          continue;
        }
        // This reader fell behind and devmode dropped events for it: read the whole state again.
        if (event.type === 'admin.dropped') {
          this.#connection?.abort();
          return 'events were dropped (the reader fell behind); catching up';
        }
        if (seq !== null && Number.isFinite(seq) && seq <= floor) continue;
        this.#bus.publish(event);
      }
    }
  }

  #lost(error: string): void {
    if (this.#remote.connected || this.#remote.error !== error) this.#remote = { adminUrl: this.#client.url, connected: false, since: Date.now(), error };
    // a poll reads sources.remote(), so the snapshot says it at once
    void this.#store?.refresh();
  }

  /** The figures as the remote devmode computed them, from its last snapshot. */
  #sources(): StoreSources {
    const figures = () => this.#figures;
    return {
      prepare: async () => {
        if (!this.#remote.connected) return;
        this.#figures = await this.#client.snapshot({ figuresOnly: true }, AbortSignal.timeout(2000));
      },
      remote: () => this.#remote,
      addresses: () => ({ gatewayUrl: figures()?.header.gatewayUrl ?? '', locatorUrl: figures()?.header.locatorUrl ?? '', adminUrl: figures()?.header.adminUrl || this.#client.url }),
      traffic: {
        get windowSec() {
          return figures()?.traffic.windowSec ?? 60;
        },
        edges: () => figures()?.traffic.edges ?? [],
        routes: () => figures()?.traffic.routes ?? [],
        routeOf: (path) => path,
      },
      topology: () => figures()?.topology ?? { observed: [], undeclared: [], unused: [] },
      broker: {
        topics: async () => [...(figures()?.broker.topics ?? [])],
        groups: async () => [...(figures()?.broker.groups ?? [])],
        // an older devmode's snapshot has none
        transactions: async () => [...(figures()?.broker.transactions ?? [])],
      },
      usage: async () => {
        const out = new Map<number, { cpuPercent: number; rssBytes: number }>();
        for (const s of figures()?.services ?? []) for (const i of s.instances) if (i.pid !== null && i.cpuPercent !== null && i.rssBytes !== null) out.set(i.pid, { cpuPercent: i.cpuPercent, rssBytes: i.rssBytes });
        return out;
      },
      registry: () =>
        (figures()?.services ?? []).map((s) => ({
          name: s.name,
          kind: s.kind,
          instances: s.instances.map((i) => ({ instance: i.instance, state: i.state === 'ready' ? 'ready' : 'down', port: i.port, url: i.url, why: i.why })),
        })),
    };
  }
}
