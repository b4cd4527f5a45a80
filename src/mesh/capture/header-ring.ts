import type { IncomingMessage, ServerResponse } from 'node:http';
import { CALL_HEADERS_KEPT, type CallHeadersView, type ExchangeHeaders } from '../../core/contracts.js';
import { redactRawHeaders } from '../redact.js';

/**
 * The headers of the last calls through the gateway and the mesh, kept by reference to
 * what was made anyway: node:http's request `rawHeaders` and the response head it
 * serialised (`_header`), or the heads as the lean path read them (one string each: an
 * array of lines kept for seconds per call made every young-generation GC slower).
 * Keeping one costs a few slot writes, no copy and no parsing; they are parsed and
 * redacted only when a view asks for one call (a call selected in the TUI:
 * `GET /calls/:id`). The ring holds no request, response or socket, only those values.
 */
export class HeaderRing implements ExchangeHeaders {
  readonly #capacity: number;
  readonly #ids: (string | undefined)[];
  /** node's rawHeaders (name, value, ...), or the lean path's head as read */
  readonly #requests: (readonly string[] | string | undefined)[];
  readonly #responses: (string | null | undefined)[];
  #next = 0;

  constructor(capacity = CALL_HEADERS_KEPT) {
    this.#capacity = capacity;
    this.#ids = new Array<string | undefined>(capacity);
    this.#requests = new Array<readonly string[] | string | undefined>(capacity);
    this.#responses = new Array<string | null | undefined>(capacity);
  }

  keep(id: string, req: IncomingMessage, res: ServerResponse): void {
    // the head as sent: null when no answer was written (aborted, the client went away)
    this.#put(id, req.rawHeaders, (res as { _header?: string | null })._header || null);
  }

  keepHead(id: string, requestHead: string, responseHead: string | undefined): void {
    this.#put(id, requestHead, responseHead ?? null);
  }

  /** One call's headers, redacted as everything devmode shows of traffic; null once it fell out of the ring. */
  get(id: string): CallHeadersView | null {
    for (let n = 1; n <= this.#capacity; n++) {
      const i = (this.#next - n + this.#capacity) % this.#capacity;
      const at = this.#ids[i];
      if (at === undefined) return null;
      if (at !== id) continue;
      const request = this.#requests[i] ?? [];
      const raw = typeof request === 'string' ? fromLines(request.split('\r\n').slice(1)) : request;
      return { id, request: pairs(redactRawHeaders(raw)), response: responseHead(this.#responses[i] ?? null) };
    }
    return null;
  }

  #put(id: string, request: readonly string[] | string, response: string | null): void {
    const i = this.#next;
    this.#ids[i] = id;
    this.#requests[i] = request;
    this.#responses[i] = response;
    this.#next = i + 1 === this.#capacity ? 0 : i + 1;
  }
}

function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** "Name: value" lines as a raw list (name, value, ...). */
function fromLines(lines: readonly string[]): string[] {
  const raw: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) raw.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return raw;
}

/** "HTTP/1.1 200 OK\r\nname: value\r\n..." as a status line and redacted pairs. */
function responseHead(head: string | null): CallHeadersView['response'] {
  if (head === null) return null;
  const lines = head.split('\r\n').filter((l) => l !== '');
  return { statusLine: lines[0] ?? '', headers: pairs(redactRawHeaders(fromLines(lines.slice(1)))) };
}
