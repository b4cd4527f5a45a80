import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ViewControl as SystemControl } from '../system/control.js';
import type { DevmodeEvent } from '../core/events/index.js';
import { HttpListener, type BoundAddress } from '../net/http-server.js';
import { fromControlError } from './control-errors.js';
import { removeAdminRecord, writeAdminRecord } from './discovery.js';
import { ENDPOINTS } from './endpoints.js';
import { EventMatcher, parseEventFilter } from './event-filter.js';
import { EventHistory } from './event-history.js';
import { EventStreamWriter, type StreamFormat } from './event-stream.js';
import { parseFaultInput } from './fault-input.js';
import { AdminHttpError, readJsonBody, sendError, sendJson } from './http-json.js';

export interface AdminServerOptions {
  control: SystemControl;
  host: string;
  /** 0 = any free port */
  port: number;
  /** events kept for `?since=` and SSE reconnects (default 1000) */
  historySize?: number;
  /** bytes a slow `/events` client may have waiting before events are dropped for it (default 1 MiB) */
  streamBufferBytes?: number;
  /** interval of SSE keep-alive comments (default 15 s) */
  keepAliveMs?: number;
  /** where to write `{url, pid, name}` once listening, for the CLI to find it (see discovery.ts) */
  recordFile?: string;
  /** the system's name, written in the record */
  name?: string;
}

const MAX_BODY = 64 * 1024;

interface StreamClient {
  writer: EventStreamWriter;
  matcher: EventMatcher;
}

/**
 * The control plane: JSON over HTTP on 127.0.0.1 for the CLI (`devmode wait`, `events`,
 * `status`), the harness and any other tool. It reads and acts only through SystemControl.
 * See ENDPOINTS for the routes.
 */
export class AdminServer {
  readonly #options: AdminServerOptions;
  readonly #control: SystemControl;
  readonly #server: http.Server;
  readonly #listener: HttpListener;
  readonly #history: EventHistory;
  readonly #clients = new Set<StreamClient>();
  #unsubscribe: (() => void) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #address: BoundAddress | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: AdminServerOptions) {
    this.#options = options;
    this.#control = options.control;
    this.#history = new EventHistory(options.historySize ?? 1000);
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
    this.#unsubscribe ??= this.#control.subscribe((event) => this.#onEvent(event));
    this.#address = await this.#listener.listen(this.#options.host, this.#options.port).catch((error: Error) => {
      throw Object.assign(new Error(`admin API: ${error.message}`, { cause: error }), { userError: /in use/.test(error.message) });
    });
    const keepAliveMs = this.#options.keepAliveMs ?? 15_000;
    this.#keepAlive = setInterval(() => {
      for (const c of this.#clients) c.writer.keepAlive();
    }, keepAliveMs).unref();
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
    for (const c of this.#clients) c.writer.end();
    this.#clients.clear();
    await this.#listener.close(200);
    if (this.#options.recordFile) await removeAdminRecord(this.#options.recordFile).catch(() => {});
  }

  #onEvent(event: DevmodeEvent): void {
    const seq = this.#history.add(event);
    for (const c of this.#clients) if (c.matcher.matches(event)) c.writer.write(seq, event);
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

    if (path === '/') return allow(method, ['GET'], () => sendJson(res, 200, { devmode: 'admin API', endpoints: ENDPOINTS }));
    if (path === '/state') return allow(method, ['GET'], async () => sendJson(res, 200, await this.#control.snapshot()));
    if (path === '/events') return allow(method, ['GET'], () => this.#events(req, res, url));
    if (parts.length === 3 && parts[0] === 'services' && parts[2] === 'restart') {
      return allow(method, ['POST'], () => this.#restart(res, parts[1] ?? '', url.searchParams));
    }
    if (path === '/faults') {
      return allow(method, ['GET', 'POST', 'DELETE'], async () => {
        if (method === 'GET') return sendJson(res, 200, this.#control.faults());
        if (method === 'DELETE') {
          this.#control.clearFaults();
          return sendJson(res, 200, { cleared: true, faults: this.#control.faults() });
        }
        const input = parseFaultInput(await readJsonBody(req, MAX_BODY));
        let view;
        try {
          view = this.#control.setFault(input);
        } catch (error) {
          throw fromControlError(error, 400);
        }
        sendJson(res, 201, view);
      });
    }
    if (parts.length === 2 && parts[0] === 'faults') {
      const id = parts[1] ?? '';
      return allow(method, ['GET', 'DELETE'], () => {
        if (method === 'GET') {
          const rule = this.#control.faults().find((f) => f.id === id);
          if (!rule) throw unknownFault(id, this.#control.faults().map((f) => f.id));
          return sendJson(res, 200, rule);
        }
        if (!this.#control.clearFault(id)) throw unknownFault(id, this.#control.faults().map((f) => f.id));
        sendJson(res, 200, { cleared: id });
      });
    }
    if (path === '/capture') {
      return allow(method, ['GET', 'POST', 'DELETE'], async () => {
        if (method === 'GET') return sendJson(res, 200, this.#control.captured());
        const target: { caller?: string; callee?: string } = {};
        const source = method === 'POST' ? ((await readJsonBody(req, MAX_BODY)) ?? {}) : Object.fromEntries(url.searchParams);
        if (typeof source !== 'object' || Array.isArray(source)) throw new AdminHttpError(400, 'the body must be a JSON object', 'e.g. {"callee":"user"}');
        for (const key of ['caller', 'callee'] as const) {
          const value = (source as Record<string, unknown>)[key];
          if (value === undefined) continue;
          if (typeof value !== 'string') throw new AdminHttpError(400, `'${key}' must be a service name`, 'e.g. {"callee":"user"}');
          target[key] = value;
        }
        if (method === 'POST') {
          try {
            this.#control.captureOn(target);
          } catch (error) {
            throw fromControlError(error, 400);
          }
          return sendJson(res, 201, this.#control.captured());
        }
        this.#control.captureOff(Object.keys(target).length > 0 ? target : undefined);
        return sendJson(res, 200, this.#control.captured());
      });
    }
    throw new AdminHttpError(404, `no endpoint ${method} ${path}`, 'the admin API has these endpoints', { endpoints: ENDPOINTS });
  }

  #events(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const filter = parseEventFilter(url.searchParams);
    const accept = req.headers.accept ?? '';
    const format: StreamFormat = accept.includes('text/event-stream') || url.searchParams.get('format') === 'sse' ? 'sse' : 'ndjson';
    const client: StreamClient = {
      writer: new EventStreamWriter(res, format, this.#options.streamBufferBytes ?? 1024 * 1024),
      matcher: new EventMatcher(filter),
    };
    client.writer.open();
    // Catch up first (SSE reconnect, or ?since=), then go live: both run in this tick, so no event falls between.
    const lastId = Number(req.headers['last-event-id']);
    const replayAfter = format === 'sse' && Number.isInteger(lastId) && lastId > 0 ? lastId : filter.since !== null ? 0 : null;
    if (replayAfter !== null) for (const { seq, event } of this.#history.after(replayAfter)) if (client.matcher.matches(event)) client.writer.write(seq, event);
    if (this.#stopping) return client.writer.end();
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
  }

  async #restart(res: ServerResponse, service: string, params: URLSearchParams): Promise<void> {
    const wait = ['1', 'true', 'yes'].includes(params.get('wait') ?? '');
    const restarting = this.#control.restart(service);
    if (wait) {
      try {
        await restarting;
      } catch (error) {
        throw fromControlError(error, 409);
      }
      return sendJson(res, 200, { service, restarted: true });
    }
    // A command rejects an unknown service at once; give that a chance to show before answering 202.
    let failure: unknown;
    let failed = false;
    restarting.catch((error: unknown) => {
      failure = error;
      failed = true;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (failed) throw fromControlError(failure, 409);
    sendJson(res, 202, { service, restarting: true });
  }
}

async function allow(method: string, methods: readonly string[], run: () => void | Promise<void>): Promise<void> {
  if (!methods.includes(method)) throw new AdminHttpError(405, `${method} is not allowed here`, `use ${methods.join(' or ')}`, { endpoints: ENDPOINTS });
  await run();
}

function unknownFault(id: string, known: string[]): AdminHttpError {
  return new AdminHttpError(404, `no fault rule with id "${id}"`, known.length > 0 ? `rules in force: ${known.join(', ')}` : 'no fault rules are in force');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
