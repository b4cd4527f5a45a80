/**
 * Keeps a bounded copy of a process's output: the head (where compilers print the first
 * error) and the tail (where they print the summary), with a marker for what was dropped.
 */
export class BoundedOutput {
  readonly #half: number;
  #head = '';
  #tail = '';
  #dropped = 0;

  constructor(maxChars = 64 * 1024) {
    this.#half = Math.max(1, Math.floor(maxChars / 2));
  }

  push(chunk: string): void {
    if (this.#head.length < this.#half) {
      const room = this.#half - this.#head.length;
      this.#head += chunk.slice(0, room);
      chunk = chunk.slice(room);
      if (chunk === '') return;
    }
    this.#tail += chunk;
    if (this.#tail.length > this.#half) {
      const excess = this.#tail.length - this.#half;
      this.#dropped += excess;
      this.#tail = this.#tail.slice(excess);
    }
  }

  toString(): string {
    if (this.#dropped === 0) return this.#head + this.#tail;
    return `${this.#head}\n… ${this.#dropped} characters omitted …\n${this.#tail}`;
  }
}
