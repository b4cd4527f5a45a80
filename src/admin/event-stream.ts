import type { ServerResponse } from 'node:http';
import type { DevmodeEvent } from '../core/events/index.js';
import type { SampledMarker } from './tap-sampler.js';

export type StreamFormat = 'ndjson' | 'sse';

/**
 * The line a stream carries instead of the events it had to drop because the client read
 * too slowly. Not a DevmodeEvent: it exists only on the admin API's wire.
 */
export interface DroppedMarker {
  type: 'admin.dropped';
  count: number;
  ts: number;
}

/**
 * Writes events to one `GET /events` client as JSON lines or server-sent events.
 * A slow reader must not make devmode buffer without bound: once more than `limitBytes`
 * wait in the socket's buffer, events are dropped (counted), and a marker saying how many
 * were lost is written when the client catches up.
 *
 * Events that come in one turn of the event loop go out in one write: at thousands of
 * calls a second (a TUI attached, `devmode up`'s own), a write per event cost devmode
 * more than the calls themselves.
 */
export class EventStreamWriter {
  readonly #res: ServerResponse;
  readonly #format: StreamFormat;
  readonly #limitBytes: number;
  #dropped = 0;
  #closed = false;
  /** frames of this turn, not yet written */
  #pending = '';
  #scheduled = false;

  constructor(res: ServerResponse, format: StreamFormat, limitBytes: number) {
    this.#res = res;
    this.#format = format;
    this.#limitBytes = limitBytes;
    res.on('drain', () => this.#flushMarker());
    res.on('close', () => (this.#closed = true));
  }

  /** Sends the response head now, so the client knows it is subscribed before any event. */
  open(): void {
    this.#res.writeHead(200, {
      'content-type': this.#format === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      // Tells nginx-like proxies in front not to buffer the stream.
      'x-accel-buffering': 'no',
      // A stream is the connection's last use: when it ends, so does the connection.
      connection: 'close',
    });
    if (this.#format === 'sse') this.#res.write(': devmode events\n\n');
    this.#res.flushHeaders();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How many events were dropped so far and not yet reported by a marker. */
  get pendingDrops(): number {
    return this.#dropped;
  }

  write(seq: number, event: DevmodeEvent): void {
    if (this.#closed) return;
    if (this.#res.writableLength + this.#pending.length > this.#limitBytes) {
      this.#dropped++;
      return;
    }
    this.#flushMarker();
    this.#pending += this.#frame(seq, event);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  /** A wire-only line about the stream itself (sampling): small, so sent even to a slow reader. */
  mark(marker: SampledMarker): void {
    if (this.#closed) return;
    this.#pending += this.#frame(null, marker);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const text = this.#pending;
    this.#pending = '';
    if (!this.#closed && text !== '') this.#res.write(text);
  };

  /** An SSE comment, so idle connections through proxies stay open and dead clients are noticed. */
  keepAlive(): void {
    if (!this.#closed && this.#format === 'sse' && this.#res.writableLength === 0) this.#res.write(': keep-alive\n\n');
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    const text = this.#pending;
    this.#pending = '';
    this.#res.end(text);
  }

  #flushMarker(): void {
    if (this.#dropped === 0 || this.#closed) return;
    const marker: DroppedMarker = { type: 'admin.dropped', count: this.#dropped, ts: Date.now() };
    this.#dropped = 0;
    this.#pending += this.#frame(null, marker);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  #frame(seq: number | null, event: DevmodeEvent | DroppedMarker | SampledMarker): string {
    const json = JSON.stringify(event);
    if (this.#format === 'ndjson') return json + '\n';
    // No `event:` field: EventSource's onmessage then sees every event; the type is in the data.
    return `${seq !== null ? `id: ${seq}\n` : ''}data: ${json}\n\n`;
  }
}
