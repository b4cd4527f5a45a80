import type { IncomingMessage } from 'node:http';
import { http } from '../../net/node-http.js';
import type { FaultRuleInput, FaultRuleView, SystemSnapshot } from '../../core/contracts.js';
import type { StoreSnapshot } from '../../core/store/index.js';
import { AdminRequestError, NoDevmodeError } from './errors.js';

/** Query of `GET /events`. */
export interface EventsQuery {
  types?: readonly string[];
  services?: readonly string[];
  since?: string;
}

/**
 * Talks to a running devmode's admin API (for `devmode wait`, `events`, `status`).
 * Uses node:http rather than fetch: an event stream may stay quiet for minutes, and
 * fetch's body timeout would cut it.
 */
export class AdminClient {
  readonly #base: URL;

  constructor(baseUrl: string) {
    this.#base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  get url(): string {
    return this.#base.href.replace(/\/$/, '');
  }

  /** `GET /state` */
  async state(signal?: AbortSignal): Promise<SystemSnapshot> {
    const res = await this.#request('GET', 'state', {}, signal);
    const body = await readBody(res);
    const json = this.#json(res, body);
    if (typeof json !== 'object' || json === null || !Array.isArray((json as SystemSnapshot).services)) throw this.#notDevmode(res.statusCode ?? 0);
    return json as SystemSnapshot;
  }

  /**
   * `GET /snapshot`: the running devmode's whole read model (`logs: false` leaves the log
   * rings out; `figuresOnly` the tap and recent events as well).
   */
  async snapshot(options: { logs?: boolean; figuresOnly?: boolean } = {}, signal?: AbortSignal): Promise<StoreSnapshot> {
    const path = options.figuresOnly ? 'snapshot?figures=1' : options.logs === false ? 'snapshot?logs=0' : 'snapshot';
    const res = await this.#request('GET', path, {}, signal);
    const json = this.#json(res, await readBody(res));
    if (typeof json !== 'object' || json === null || typeof (json as StoreSnapshot).version !== 'number' || !Array.isArray((json as StoreSnapshot).services)) throw this.#notDevmode(res.statusCode ?? 0);
    return json as StoreSnapshot;
  }

  /**
   * Any admin API call with a JSON answer (an error status becomes an AdminRequestError with
   * devmode's own words and `status`). `body` is sent as JSON.
   */
  async call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    const res = await this.#request(method, path.replace(/^\//, ''), headers, signal, body === undefined ? undefined : JSON.stringify(body));
    return this.#json(res, await readBody(res));
  }

  /**
   * Opens `GET /events` as server-sent events (every event, numbered by devmode's Store) and
   * resolves once devmode has subscribed it. Yields the frames that came in one read
   * together (thousands a second when a TUI follows a busy system: a promise per frame
   * cost more than the frames). Ends when devmode closes the stream or `signal` aborts;
   * `admin.dropped` markers (no seq) say events were lost to a slow reader. With `maxRps`,
   * devmode sends about that many calls a second (failures all) and `admin.sampled`
   * markers counting the calls it left out.
   */
  async eventFrames(signal?: AbortSignal, options: { maxRps?: number } = {}): Promise<AsyncIterable<SseFrame[]>> {
    const path = options.maxRps ? `events?max-rps=${options.maxRps}` : 'events';
    const res = await this.#request('GET', path, { accept: 'text/event-stream' }, signal);
    if (res.statusCode !== 200) this.#json(res, await readBody(res));
    if (!String(res.headers['content-type'] ?? '').includes('event-stream')) throw this.#notDevmode(res.statusCode ?? 0);
    return sseFrames(res);
  }

  /** `POST /services/:name/restart?wait=true`: resolves once the service is back. */
  async restart(service: string, signal?: AbortSignal): Promise<void> {
    const res = await this.#request('POST', `services/${encodeURIComponent(service)}/restart?wait=true`, {}, signal);
    this.#json(res, await readBody(res));
  }

  /** `GET /faults` */
  async faults(signal?: AbortSignal): Promise<FaultRuleView[]> {
    const res = await this.#request('GET', 'faults', {}, signal);
    return this.#json(res, await readBody(res)) as FaultRuleView[];
  }

  /** `POST /faults` */
  async setFault(input: FaultRuleInput, signal?: AbortSignal): Promise<FaultRuleView> {
    const res = await this.#request('POST', 'faults', { 'content-type': 'application/json' }, signal, JSON.stringify(input));
    return this.#json(res, await readBody(res)) as FaultRuleView;
  }

  /** `DELETE /faults/:id`, or every fault without an id */
  async clearFaults(id?: string, signal?: AbortSignal): Promise<void> {
    const res = await this.#request('DELETE', id === undefined ? 'faults' : `faults/${encodeURIComponent(id)}`, {}, signal);
    const body = await readBody(res);
    if ((res.statusCode ?? 0) >= 400 || body.trim()) this.#json(res, body || '{}');
  }

  /**
   * Opens `GET /events` and resolves once devmode has subscribed it (the response head came),
   * with the raw JSON lines as they arrive. The iteration ends when devmode closes the stream;
   * aborting `signal` ends it too.
   */
  async events(query: EventsQuery, signal?: AbortSignal): Promise<AsyncIterable<string>> {
    const params = new URLSearchParams();
    for (const t of query.types ?? []) params.append('type', t);
    for (const s of query.services ?? []) params.append('service', s);
    if (query.since !== undefined) params.set('since', query.since);
    const qs = params.toString();
    const res = await this.#request('GET', `events${qs ? `?${qs}` : ''}`, { accept: 'application/x-ndjson' }, signal);
    if (res.statusCode !== 200) this.#json(res, await readBody(res));
    if (!String(res.headers['content-type'] ?? '').includes('ndjson')) throw this.#notDevmode(res.statusCode ?? 0);
    return splitLines(res);
  }

  #request(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal, body?: string): Promise<IncomingMessage> {
    const url = new URL(path, this.#base);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, ...(signal ? { signal } : {}) }, (res) => {
        // The head came; an event stream may then stay quiet for as long as nothing happens.
        req.setTimeout(0);
        resolve(res);
      });
      // Local and fast: a devmode that accepts but never answers is as good as none.
      req.setTimeout(10_000, () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
      // Refused, reset, unresolvable, not HTTP, no answer: all mean no devmode to talk to there.
      req.on('error', () => {
        if (signal?.aborted) reject(signal.reason instanceof Error ? signal.reason : Object.assign(new Error('aborted'), { name: 'AbortError' }));
        else reject(new NoDevmodeError(this.url));
      });
      req.end(body);
    });
  }

  /** Parses a JSON answer; an error status becomes an AdminRequestError with devmode's own words. */
  #json(res: IncomingMessage, body: string): unknown {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.#notDevmode(res.statusCode ?? 0);
    }
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const e = json as { error?: unknown; hint?: unknown };
      if (typeof e.error !== 'string') throw this.#notDevmode(status);
      // A name that does not exist or a bad argument is the command line's mistake: exit 2.
      const usage = status === 400 || status === 404;
      throw new AdminRequestError(status, `${e.error}${typeof e.hint === 'string' ? ` (${e.hint})` : ''}`, usage ? 2 : 1, typeof e.hint === 'string' ? e.hint : undefined);
    }
    return json;
  }

  #notDevmode(status: number): AdminRequestError {
    return new AdminRequestError(status, `something answers at ${this.url} (HTTP ${status}), but it is not devmode's admin API; pass --admin URL with the URL devmode printed at start`);
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The response's lines as they come, those of one read together (blank ones left out
 * unless `keepBlank`: SSE frames end with one). Ends quietly when the stream ends, breaks
 * or is aborted.
 */
async function* lineBatches(res: IncomingMessage, keepBlank: boolean): AsyncGenerator<string[]> {
  res.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      const text = rest + chunk;
      const lines: string[] = [];
      let from = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', from)) >= 0) {
        const line = text.slice(from, nl).trim();
        from = nl + 1;
        if (line !== '' || keepBlank) lines.push(line);
      }
      rest = text.slice(from);
      if (lines.length > 0) yield lines;
    }
  } catch {
    // aborted by us (done, timeout, Ctrl-C) or devmode went away: either way the stream is over
  } finally {
    res.destroy();
  }
}

/** The response's lines one by one (JSON lines). */
async function* splitLines(res: IncomingMessage): AsyncGenerator<string> {
  for await (const lines of lineBatches(res, false)) yield* lines;
}

/** One server-sent event: its `id:` (devmode's seq; null for a marker) and its data. */
export interface SseFrame {
  seq: number | null;
  data: string;
}

/**
 * Server-sent event frames (`id:` and `data:` lines up to a blank line; comments skipped),
 * those complete in each read yielded together.
 */
async function* sseFrames(res: IncomingMessage): AsyncGenerator<SseFrame[]> {
  let seq: number | null = null;
  let data: string[] = [];
  for await (const lines of lineBatches(res, true)) {
    const frames: SseFrame[] = [];
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) frames.push({ seq, data: data.join('\n') });
        seq = null;
        data = [];
      } else if (line.startsWith('id:')) seq = Number(line.slice(3).trim());
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (frames.length > 0) yield frames;
  }
}
