/**
 * The Store: what every view reads. Implemented by EventStore (event-store.ts) over a Bus
 * in the same process, and by the remote Store (cli/admin-client/remote-store.ts) over a
 * running devmode's admin API; views cannot tell them apart.
 */
import type { DevmodeEvent, EventOf, EventType } from '../events/index.js';
import type { NumberedEvent, StoreSnapshot } from './snapshot.js';

export interface Store {
  /**
   * The current snapshot, synchronously. Immutable (frozen); the same object until something
   * changes, so calling it on every frame costs nothing when the system is quiet. Built
   * lazily: events only mark the Store changed, the snapshot is made when asked for.
   */
  getSnapshot(): StoreSnapshot;
  /**
   * `listener` is called after the Store changed, at most once per turn of the event loop
   * however many events came (read getSnapshot() then). Fits React's useSyncExternalStore.
   * Returns the function that unsubscribes.
   */
  subscribe(listener: () => void): () => void;
  /**
   * Resolves with the predicate's first truthy result, tried now and after every change;
   * rejects on timeout (an Error naming `what`) or when `signal` aborts.
   */
  waitFor<T>(predicate: (snapshot: StoreSnapshot) => T | false | null | undefined, options?: WaitOptions): Promise<T>;
  /**
   * The retained event history (every event type, bounded), oldest first, with seq > afterSeq.
   * For the admin API's replay (`?since=`, SSE Last-Event-ID) and the harness.
   */
  history(afterSeq?: number): readonly NumberedEvent[];
  /** The seq of the newest event seen (0 before any): a cursor for history() and waitForEvent(). */
  readonly lastSeq: number;
  /**
   * Resolves with the first event of `type` (after `options.after`, already in the history
   * or coming) that `match` accepts; rejects on timeout with the last few of that type.
   */
  waitForEvent<T extends EventType>(type: T, match?: (event: EventOf<T>) => boolean, options?: WaitOptions & { after?: number }): Promise<EventOf<T>>;
  /** Every event as it is folded, synchronously, numbered (for live streams: admin /events, the plain printer). */
  onEvent(listener: (event: DevmodeEvent, seq: number) => void): () => void;
  /** Stops folding and polling; idempotent. Snapshots already taken stay valid. */
  close(): void;
}

export interface WaitOptions {
  /** ms (default 15,000) */
  timeout?: number;
  signal?: AbortSignal;
  /** what is awaited, for the timeout's message */
  what?: string;
}

/** How much the Store keeps; every ring is bounded in items (and the log rings in bytes). */
export interface StoreLimits {
  /** lines per instance (default 5,000) */
  logLinesPerInstance: number;
  /** characters of text per instance (default 2 Mi), and over all instances (default 64 Mi): with many instances each gets its share */
  logBytesPerInstance: number;
  logBytesTotal: number;
  /** lines (default 10,000) and characters (default 8 Mi) of the merged ring */
  logLinesMerged: number;
  logBytesMerged: number;
  /** a longer line is cut to this many characters, with a note of how much was cut (default 16 KiB) */
  logLineChars: number;
  /** events in history() (default 5,000; the harness keeps more), and the characters of log lines among them (default 16 Mi) */
  history: number;
  historyBytes: number;
  /** notable events in snapshot.events (default 500) */
  events: number;
  /** exchanges in the tap (default 2,000) */
  tap: number;
  /** sparkline buckets (default 30) and their width (default 60,000 ms) */
  seriesBuckets: number;
  seriesBucketMs: number;
}
