/**
 * The index of one segment: parallel typed arrays of batch base offsets, end positions and
 * running maximum timestamps, searched by binary search. 24 bytes per batch, no objects.
 */

const INITIAL_CAPACITY = 64;

function grow(a: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(a);
  return next;
}

export class BatchIndex {
  #bases: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #ends: Float64Array = new Float64Array(INITIAL_CAPACITY);
  /** running maximum of batch max timestamps: monotonic, so binary-searchable */
  #maxTs: Float64Array = new Float64Array(INITIAL_CAPACITY);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Records a batch with base offset `base` ending at byte `end` with max timestamp `maxTimestamp`. */
  push(base: number, end: number, maxTimestamp: number): void {
    if (this.#count === this.#bases.length) {
      const capacity = this.#count * 2;
      this.#bases = grow(this.#bases, capacity);
      this.#ends = grow(this.#ends, capacity);
      this.#maxTs = grow(this.#maxTs, capacity);
    }
    const i = this.#count++;
    this.#bases[i] = base;
    this.#ends[i] = end;
    this.#maxTs[i] = i === 0 ? maxTimestamp : Math.max(this.#maxTs[i - 1]!, maxTimestamp);
  }

  base(i: number): number {
    return this.#bases[i]!;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.#ends[i - 1]!;
  }

  end(i: number): number {
    return this.#ends[i]!;
  }

  /** Largest timestamp of the segment so far (-Infinity when empty). */
  get maxTimestamp(): number {
    return this.#count === 0 ? -Infinity : this.#maxTs[this.#count - 1]!;
  }

  /** Index of the batch containing `offset`: the last one whose base <= offset (-1 if none). */
  find(offset: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#bases[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Index of the first batch holding a timestamp >= `ts` (-1 if none). */
  findTimestamp(ts: number): number {
    let lo = 0;
    let hi = this.#count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#maxTs[mid]! >= ts) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found;
  }
}
