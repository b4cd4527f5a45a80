import { StringDecoder } from 'node:string_decoder';

/** Longest line kept whole; a longer one (a minified bundle dumped to stdout) is cut into pieces. */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Turns a byte stream into lines: splits on \n, drops a trailing \r, cuts lines longer than
 * `maxChars`, and hands out the partial last line on `flush()` (at exit). Multi-byte UTF-8
 * characters split across chunks are kept whole.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #onLine: (line: string) => void;
  readonly #maxChars: number;
  #partial = '';

  constructor(onLine: (line: string) => void, maxChars = MAX_LINE_CHARS) {
    this.#onLine = onLine;
    this.#maxChars = maxChars;
  }

  push(chunk: Buffer | string): void {
    let text = this.#partial + (typeof chunk === 'string' ? chunk : this.#decoder.write(chunk));
    let newline: number;
    while ((newline = text.indexOf('\n')) !== -1) {
      this.#emit(text.slice(0, newline));
      text = text.slice(newline + 1);
    }
    while (text.length > this.#maxChars) {
      this.#onLine(text.slice(0, this.#maxChars));
      text = text.slice(this.#maxChars);
    }
    this.#partial = text;
  }

  /** Emits what is left without a final newline. */
  flush(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest.length > 0) this.#emit(rest);
  }

  #emit(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    for (let i = 0; i < clean.length; i += this.#maxChars) this.#onLine(clean.slice(i, i + this.#maxChars));
    if (clean.length === 0) this.#onLine('');
  }
}
