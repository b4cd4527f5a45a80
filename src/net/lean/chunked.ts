/**
 * Finds where a chunked body ends (RFC 9112 §7.1) without decoding it: the lean path
 * relays chunked bytes verbatim and only needs to know when the message is over, so the
 * connection can carry the next one. Fed the bytes after the head, in pieces as they
 * arrive.
 */
export class ChunkedEnd {
  #state: State = State.Size;
  /** data bytes left in the current chunk */
  #left = 0;
  #size = 0;
  #sizeDigits = 0;
  /** characters on the current trailer line (0: the blank line that ends the body) */
  #lineLength = 0;

  /**
   * Scans `chunk` from `from`. Returns the index just past the body's end, -1 when the
   * body goes on past this chunk, or -2 when the framing is broken.
   */
  feed(chunk: Buffer, from = 0): number {
    let i = from;
    const n = chunk.length;
    while (i < n) {
      switch (this.#state) {
        case State.Size: {
          const c = chunk[i++]!;
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.#sizeDigits > 12) return -2;
            this.#size = this.#size * 16 + digit;
          } else if (c === 0x0d /* \r */ || c === 0x3b /* ; */ || c === 0x20 || c === 0x09) {
            if (this.#sizeDigits === 0) return -2;
            this.#state = c === 0x0d ? State.SizeLf : State.Extension;
          } else return -2;
          break;
        }
        case State.Extension: {
          // Chunk extensions are skipped to the end of the line.
          const cr = chunk.indexOf(0x0d, i);
          if (cr < 0) return -1;
          i = cr + 1;
          this.#state = State.SizeLf;
          break;
        }
        case State.SizeLf:
          if (chunk[i++] !== 0x0a) return -2;
          if (this.#size === 0) {
            this.#state = State.Trailer;
            this.#lineLength = 0;
          } else {
            this.#left = this.#size;
            this.#state = State.Data;
          }
          this.#size = 0;
          this.#sizeDigits = 0;
          break;
        case State.Data: {
          const take = Math.min(this.#left, n - i);
          i += take;
          this.#left -= take;
          if (this.#left === 0) this.#state = State.DataCr;
          break;
        }
        case State.DataCr:
          if (chunk[i++] !== 0x0d) return -2;
          this.#state = State.DataLf;
          break;
        case State.DataLf:
          if (chunk[i++] !== 0x0a) return -2;
          this.#state = State.Size;
          break;
        case State.Trailer: {
          const c = chunk[i++]!;
          if (c === 0x0d) this.#state = State.TrailerLf;
          else this.#lineLength++;
          break;
        }
        case State.TrailerLf:
          if (chunk[i++] !== 0x0a) return -2;
          if (this.#lineLength === 0) {
            this.#state = State.Done;
            return i;
          }
          this.#lineLength = 0;
          this.#state = State.Trailer;
          break;
        case State.Done:
          return i;
      }
    }
    return -1;
  }
}

/** Where in the chunked framing the scan is. */
const State = { Size: 0, Extension: 1, SizeLf: 2, Data: 3, DataCr: 4, DataLf: 5, Trailer: 6, TrailerLf: 7, Done: 8 } as const;
type State = (typeof State)[keyof typeof State];

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
