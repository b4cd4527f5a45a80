/**
 * Delayed delivery: remembers when each batch of a delayed topic was appended, so fetches
 * can hold back the batches appended less than the delay ago. Only batches appended while a
 * delay is in force for their topic are remembered; marks are dropped once old enough.
 */

interface Mark {
  baseOffset: bigint;
  at: number;
}

/** Marks kept per partition at most (a very slow consumer with a long delay, say). */
const MAX_MARKS = 100_000;

export class DeliveryHold {
  readonly #marks = new Map<string, Mark[]>();

  /** A batch starting at `baseOffset` was appended at `at` to a topic with a delivery delay. */
  note(topic: string, partition: number, baseOffset: bigint, at: number, delayMs: number): void {
    const key = `${topic}\0${partition}`;
    let marks = this.#marks.get(key);
    if (!marks) {
      marks = [];
      this.#marks.set(key, marks);
    }
    prune(marks, at - delayMs);
    if (marks.length >= MAX_MARKS) marks.shift();
    marks.push({ baseOffset, at });
  }

  /**
   * The first offset of the partition that is still held back at `now` (batches from it on
   * must not be delivered), and when it becomes deliverable; null when nothing is held.
   */
  heldFrom(topic: string, partition: number, now: number, delayMs: number): { offset: bigint; until: number } | null {
    const marks = this.#marks.get(`${topic}\0${partition}`);
    if (!marks) return null;
    prune(marks, now - delayMs);
    const first = marks[0];
    if (!first) {
      this.#marks.delete(`${topic}\0${partition}`);
      return null;
    }
    return { offset: first.baseOffset, until: first.at + delayMs };
  }

  /** Forgets the marks of topics whose delay was cleared (`delayOf` returns 0). */
  forgetCleared(delayOf: (topic: string) => number): void {
    for (const key of this.#marks.keys()) {
      if (delayOf(key.slice(0, key.indexOf('\0'))) <= 0) this.#marks.delete(key);
    }
  }
}

/** Drops the marks appended at or before `cutoff` (they are deliverable). */
function prune(marks: Mark[], cutoff: number): void {
  let n = 0;
  while (n < marks.length && marks[n]!.at <= cutoff) n++;
  if (n > 0) marks.splice(0, n);
}
