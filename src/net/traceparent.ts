import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
/** Random bytes drawn at once: two randomBytes() calls per request cost ~6% of a proxied call. */
const POOL_BYTES = 4096;

/**
 * W3C trace context headers for calls (https://www.w3.org/TR/trace-context/): keeps the
 * caller's trace id when it sent one (so a chain of calls and the messages it causes share
 * it) and starts a new span for this hop; starts a new trace otherwise.
 */
export class TraceparentSource {
  readonly #pool = Buffer.allocUnsafe(POOL_BYTES);
  #offset = POOL_BYTES;

  next(incoming: string | string[] | undefined): string {
    const value = Array.isArray(incoming) ? incoming[0] : incoming;
    const match = value ? TRACEPARENT.exec(value) : null;
    const span = this.#hex(8);
    return match ? `00-${match[1]}-${span}-01` : `00-${this.#hex(16)}-${span}-01`;
  }

  #hex(bytes: number): string {
    if (this.#offset + bytes > POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#offset = 0;
    }
    const text = this.#pool.toString('hex', this.#offset, this.#offset + bytes);
    this.#offset += bytes;
    return text;
  }
}
