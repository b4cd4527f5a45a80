import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallHeadersView, ExchangeHeaders } from '../../core/contracts.js';
import { redactRawHeaders } from '../redact.js';

/** Calls whose headers are kept (about the Store's tap). */
const DEFAULT_CAPACITY = 2000;

/**
 * The headers of the last calls through the gateway and the mesh, kept by reference: the
 * request's `rawHeaders` (the array node already made) and the response head devmode wrote
 * (`_header`, the string node already serialised), so keeping one costs three slot writes,
 * no copy and no parsing. They are parsed and redacted only when a view asks for one call
 * (a call selected in the TUI: `GET /calls/:id`). The ring holds no request or response
 * object, only those two values.
 */
export class HeaderRing implements ExchangeHeaders {
  readonly #capacity: number;
  readonly #ids: (string | undefined)[];
  readonly #requests: (readonly string[] | undefined)[];
  readonly #responses: (string | null | undefined)[];
  #next = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
    this.#ids = new Array<string | undefined>(capacity);
    this.#requests = new Array<readonly string[] | undefined>(capacity);
    this.#responses = new Array<string | null | undefined>(capacity);
  }

  keep(id: string, req: IncomingMessage, res: ServerResponse): void {
    const i = this.#next;
    this.#ids[i] = id;
    this.#requests[i] = req.rawHeaders;
    // the head as sent: null when no answer was written (aborted, the client went away)
    this.#responses[i] = (res as { _header?: string | null })._header || null;
    this.#next = i + 1 === this.#capacity ? 0 : i + 1;
  }

  /** One call's headers, redacted as everything devmode shows of traffic; null once it fell out of the ring. */
  get(id: string): CallHeadersView | null {
    for (let n = 1; n <= this.#capacity; n++) {
      const i = (this.#next - n + this.#capacity) % this.#capacity;
      const at = this.#ids[i];
      if (at === undefined) return null;
      if (at !== id) continue;
      return { id, request: pairs(redactRawHeaders(this.#requests[i] ?? [])), response: responseHead(this.#responses[i] ?? null) };
    }
    return null;
  }
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** "HTTP/1.1 200 OK\r\nname: value\r\n...\r\n\r\n" as a status line and redacted pairs. */
function responseHead(head: string | null): CallHeadersView['response'] {
  if (head === null) return null;
  const lines = head.split('\r\n').filter((l) => l !== '');
  const raw: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) raw.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return { statusLine: lines[0] ?? '', headers: pairs(redactRawHeaders(raw)) };
}
