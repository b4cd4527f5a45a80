import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http } from '../net/node-http.js';
import type { SystemControl } from '../core/contracts.js';
import type { DevmodeEvent } from '../core/events/index.js';
import type { Store } from '../core/store/index.js';
import { HttpListener, type BoundAddress } from '../net/http-server.js';
import { routeCommand } from './commands.js';
import { removeAdminRecord, writeAdminRecord } from './discovery.js';
import { ENDPOINTS } from './endpoints.js';
import { EventMatcher, parseEventFilter } from './event-filter.js';
import { EventStreamWriter, type StreamFormat } from './event-stream.js';
import { parseMaxRps, TapSampler } from './tap-sampler.js';
import { AdminHttpError, sendError, sendJson } from './http-json.js';
import { fromControlError } from './control-errors.js';
import { readSnapshot } from './snapshot-route.js';
import { toSystemState } from '../core/store/index.js';

export interface AdminServerOptions {
  /** what the API reads: `/state`, `/snapshot`, `/events` and its replay */
  store: Store;
  /** what the API's commands call */
  control: SystemControl;
  host: string;
  /** 0 = any free port */
  port: number;
  /** bytes a slow `/events` client may have waiting before events are dropped for it (default 1 MiB) */
  streamBufferBytes?: number;
  /** interval of SSE keep-alive comments (default 15 s) */
  keepAliveMs?: number;
  /** where to write `{url, pid, name}` once listening, for the CLI to find it (see discovery.ts) */
  recordFile?: string;
  /** the system's name, written in the record */
  name?: string;
}

interface StreamClient {
  writer: EventStreamWriter;
  matcher: EventMatcher;
  /** set for `?max-rps=N`: leaves out exchanges beyond about N a second */
  sampler: TapSampler | null;
}

/**
 * The control plane: JSON over HTTP on 127.0.0.1 for the CLI (`devmode wait`, `events`,
 * `status`, `ui`), the harness and any other tool. It reads the Store and acts only
 * through SystemControl. See ENDPOINTS for the routes.
 */
export class AdminServer {
  readonly #options: AdminServerOptions;
  readonly #store: Store;
  readonly #server: Server;
  readonly #listener: HttpListener;
  readonly #clients = new Set<StreamClient>();
  #unsubscribe: (() => void) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  /** reports what samplers skipped, about once a second */
  #sampleReports: NodeJS.Timeout | undefined;
  #address: BoundAddress | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: AdminServerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#listener = new HttpListener(this.#server);
  }

  /** Base URL once started, e.g. `http://127.0.0.1:9001`. */
  get url(): string {
    if (!this.#address) throw new Error('AdminServer is not started');
    return this.#address.url;
  }

  get port(): number {
    if (!this.#address) throw new Error('AdminServer is not started');
    return this.#address.port;
  }

  /** How many `/events` clients are connected now. */
  get streamCount(): number {
    return this.#clients.size;
  }

  async start(): Promise<void> {
    if (this.#stopping) throw new Error('AdminServer was stopped');
    this.#unsubscribe ??= this.#store.onEvent((event, seq) => this.#onEvent(event, seq));
    this.#address = await this.#listener.listen(this.#options.host, this.#options.port).catch((error: Error) => {
      throw Object.assign(new Error(`admin API: ${error.message}`, { cause: error }), { userError: /in use/.test(error.message) });
    });
    const keepAliveMs = this.#options.keepAliveMs ?? 15_000;
    this.#keepAlive = setInterval(() => {
      for (const c of this.#clients) c.writer.keepAlive();
    }, keepAliveMs).unref();
    this.#sampleReports = setInterval(() => {
      const now = Date.now();
      for (const c of this.#clients) {
        const marker = c.sampler?.report(now);
        if (marker) c.writer.mark(marker);
      }
    }, 1000).unref();
    if (this.#options.recordFile) {
      // Discovery is a convenience: failing to write it must not stop devmode.
      await writeAdminRecord(this.#options.recordFile, { url: this.#address.url, pid: process.pid, name: this.#options.name ?? '', startedAt: Date.now() }).catch(() => {});
      // stop() ran while the record was being written: it may have removed nothing yet.
      if (this.#stopping) await removeAdminRecord(this.#options.recordFile).catch(() => {});
    }
  }

  /** Ends every event stream and closes the listener. Idempotent; safe during start(). */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#unsubscribe?.();
    clearInterval(this.#keepAlive);
    clearInterval(this.#sampleReports);
    for (const c of this.#clients) c.writer.end();
    this.#clients.clear();
    await this.#listener.close(200);
    if (this.#options.recordFile) await removeAdminRecord(this.#options.recordFile).catch(() => {});
  }

  #onEvent(event: DevmodeEvent, seq: number): void {
    // the clock is read only for an exchange that a sampled stream judges, and once
    let now = 0;
    for (const c of this.#clients) {
      if (!c.matcher.matches(event)) continue;
      if (c.sampler !== null && event.type === 'http.exchange' && !c.sampler.keep(event, (now ||= Date.now()))) continue;
      c.writer.write(seq, event);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#route(req, res);
    } catch (error) {
      if (!res.headersSent) sendError(res, fromControlError(error, 400));
      else res.destroy();
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = req.method ?? 'GET';
    const parts = path.split('/').slice(1).map(decodeSegment);
    const only = (methods: readonly string[]) => {
      if (!methods.includes(method)) throw new AdminHttpError(405, `${method} is not allowed here`, `use ${methods.join(' or ')}`, { endpoints: ENDPOINTS });
    };

    if (path === '/') return only(['GET']), sendJson(res, 200, { devmode: 'admin API', endpoints: ENDPOINTS });
    if (path === '/state') return only(['GET']), sendJson(res, 200, toSystemState(this.#store.getSnapshot()));
    if (path === '/snapshot') return only(['GET']), sendJson(res, 200, readSnapshot(this.#store, url.searchParams));
    if (path === '/events') return only(['GET']), this.#events(req, res, url);
    if (await routeCommand({ req, res, url, method, parts, control: this.#options.control, store: this.#store })) return;
    throw new AdminHttpError(404, `no endpoint ${method} ${path}`, 'the admin API has these endpoints', { endpoints: ENDPOINTS });
  }

  #events(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const filter = parseEventFilter(url.searchParams);
    const maxRps = parseMaxRps(url.searchParams);
    const accept = req.headers.accept ?? '';
    const format: StreamFormat = accept.includes('text/event-stream') || url.searchParams.get('format') === 'sse' ? 'sse' : 'ndjson';
    const client: StreamClient = {
      writer: new EventStreamWriter(res, format, this.#options.streamBufferBytes ?? 1024 * 1024),
      matcher: new EventMatcher(filter),
      sampler: maxRps === null ? null : new TapSampler(maxRps),
    };
    client.writer.open();
    // Catch up first (SSE reconnect, or ?since=), then go live: both run in this tick, so no event falls between.
    const lastId = Number(req.headers['last-event-id']);
    const replayAfter = format === 'sse' && Number.isInteger(lastId) && lastId > 0 ? lastId : filter.since !== null ? 0 : null;
    if (replayAfter !== null) for (const { seq, event } of this.#store.history(replayAfter)) if (client.matcher.matches(event)) client.writer.write(seq, event);
    if (this.#stopping) return client.writer.end();
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
