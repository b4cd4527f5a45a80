/**
 * The worker's BrokerFaultState: a mirror of the fault state on the main thread (the mesh's
 * fault table), which lives there and cannot be shared.
 *
 * `down` comes in a snapshot posted by the host on every change (FaultSnapshot). The
 * per-topic and per-group answers cannot be snapshotted: the interface only answers
 * questions about a name, and produceError() has effects on the host (a percentage draw,
 * a hit count, a `fault.applied` event). So the worker asks the host, synchronously, through
 * a SharedArrayBuffer and Atomics.wait: the handlers call these on their synchronous paths.
 * deliveryDelayMs and groupPaused are pure, so their answers are cached until the next
 * snapshot; produceError is asked once per produced partition, as in process (one round trip
 * of a few tens of microseconds; a produce is one request of up to a megabyte of batches).
 * A host that does not answer within ANSWER_TIMEOUT_MS (a main thread stuck in a long
 * synchronous task) is taken to say "no fault" for that question.
 */
import type { BrokerFaultState } from '../../core/contracts.js';
import type { FaultQuestion, FaultSnapshot } from './messages.js';

/** How long a fault question waits for the main thread before it counts as "no fault". */
const ANSWER_TIMEOUT_MS = 1000;
/** Cached answers kept per snapshot generation, at most (names are topics and groups). */
const MAX_CACHED = 10_000;

/** Slots of the shared answer buffer (see WorkerData.faultAnswer). */
export const ANSWER_ID = 0;
export const ANSWER_VALUE = 1;

export class RemoteFaultState implements BrokerFaultState {
  readonly #answer: Int32Array;
  readonly #ask: (id: number, question: FaultQuestion) => void;
  readonly #listeners = new Set<() => void>();
  readonly #delays = new Map<string, number>();
  readonly #paused = new Map<string, boolean>();
  #down = false;
  /** until the first snapshot: ask about everything */
  #active = { produceErrors: true, deliveryDelays: true, pausedGroups: true };
  #generation = -1;
  #nextId = 0;

  /** `answer` is the shared buffer; `ask` posts a question to the host. */
  constructor(answer: SharedArrayBuffer, ask: (id: number, question: FaultQuestion) => void) {
    this.#answer = new Int32Array(answer);
    this.#ask = ask;
    this.#nextId = Atomics.load(this.#answer, ANSWER_ID);
  }

  /** Applies a snapshot from the host; listeners hear of it (the broker goes down or up, fetches re-check). */
  apply(snapshot: FaultSnapshot): void {
    if (snapshot.generation <= this.#generation) return;
    this.#generation = snapshot.generation;
    this.#down = snapshot.down;
    this.#active = snapshot.active;
    this.#delays.clear();
    this.#paused.clear();
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  get down(): boolean {
    return this.#down;
  }

  produceError(topic: string): number {
    // The common case (no produce-error rule) costs no round trip to the main thread.
    if (!this.#active.produceErrors) return 0;
    return this.#query({ q: 'produceError', topic }) ?? 0;
  }

  deliveryDelayMs(topic: string): number {
    if (!this.#active.deliveryDelays) return 0;
    const known = this.#delays.get(topic);
    if (known !== undefined) return known;
    const answer = this.#query({ q: 'deliveryDelayMs', topic });
    if (answer === undefined) return 0;
    if (this.#delays.size >= MAX_CACHED) this.#delays.clear();
    this.#delays.set(topic, answer);
    return answer;
  }

  groupPaused(group: string): boolean {
    if (!this.#active.pausedGroups) return false;
    const known = this.#paused.get(group);
    if (known !== undefined) return known;
    const answer = this.#query({ q: 'groupPaused', group });
    if (answer === undefined) return false;
    if (this.#paused.size >= MAX_CACHED) this.#paused.clear();
    this.#paused.set(group, answer !== 0);
    return answer !== 0;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the host and blocks this thread for the answer; undefined when it did not come in time. */
  #query(question: FaultQuestion): number | undefined {
    const answer = this.#answer;
    // Ids only grow (wrapping far beyond any run); the host writes the value, then the id.
    const id = (this.#nextId = (this.#nextId + 1) | 0);
    this.#ask(id, question);
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(answer, ANSWER_ID);
      if (seen === id) return Atomics.load(answer, ANSWER_VALUE);
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      // A late answer to an earlier question changes the id too: then look again.
      Atomics.wait(answer, ANSWER_ID, seen, left);
    }
  }
}
