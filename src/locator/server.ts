import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { http } from '../net/node-http.js';
import { HttpListener, type BoundAddress } from '../net/http-server.js';
import { sendJson } from '../net/json-response.js';
import type { Registry } from './registry.js';
import type { ServiceEntry } from './types.js';
import { parseRegistration } from './registration.js';

/** Largest registration body accepted; registrations are a few hundred bytes. */
const MAX_BODY = 64 * 1024;

export interface LocatorServerOptions {
  registry: Registry;
  host: string;
  /** 0 = any free port */
  port: number;
}

/**
 * The service locator's HTTP API, compatible with Lagom's dev-mode locator:
 * - `GET /services/:name` → 200 text/plain URI of one ready instance (round-robin); 404 JSON otherwise
 * - `GET /services/:name?portName=http` → the same for that port (its scheme); 404 for another
 * - `PUT /services/:name` with Lagom's `{uris, acls}` (or `{uri, acls}`, or `{url, acls}`)
 *   registers; `DELETE` unregisters
 * - `GET /services` lists everything as Lagom's RegisteredService (`name`, `url`, `portName`)
 *   plus devmode's details; `GET /services/:name/instances` lists one service's instances
 */
export class LocatorServer {
  readonly #registry: Registry;
  readonly #host: string;
  readonly #port: number;
  readonly #server: Server;
  readonly #listener: HttpListener;
  #address: BoundAddress | undefined;
  #stopped = false;

  constructor(options: LocatorServerOptions) {
    this.#registry = options.registry;
    this.#host = options.host;
    this.#port = options.port;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#listener = new HttpListener(this.#server);
  }

  /** Base URL once started, e.g. `http://127.0.0.1:9008`. */
  get url(): string {
    if (!this.#address) throw new Error('LocatorServer is not started');
    return this.#address.url;
  }

  get port(): number {
    if (!this.#address) throw new Error('LocatorServer is not started');
    return this.#address.port;
  }

  async start(): Promise<void> {
    if (this.#stopped) throw new Error('LocatorServer was stopped');
    this.#address = await this.#listener.listen(this.#host, this.#port).catch((error: Error) => {
      throw new Error(`service locator: ${error.message}`, { cause: error });
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#listener.close();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const parts = path.split('/').filter(Boolean).map(safeDecode);
    if (parts[0] !== 'services' || parts.length > 3 || parts.some((p) => p === null) || (parts.length === 3 && parts[2] !== 'instances')) {
      json(res, 404, { error: `no such endpoint: ${req.method} ${path}`, endpoints: ['GET /services', 'GET|PUT|DELETE /services/:name', 'GET /services/:name/instances'] });
      return;
    }
    const name = parts[1] as string | undefined;
    const method = req.method ?? 'GET';
    if (name === undefined) {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      json(res, 200, this.#registry.list().map(lagomEntry));
      return;
    }
    if (parts.length === 3) {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      const entry = this.#registry.get(name);
      if (!entry) return this.#notFound(res, name);
      json(res, 200, entry.instances);
      return;
    }
    switch (method) {
      case 'GET':
      case 'HEAD': {
        const chosen = this.#registry.pick(name);
        // Lagom's lookup(name, portName): the URI of that port; a service here has one, named by its scheme.
        const portName = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('portName');
        if (chosen && portName && portNameOf(chosen.url) !== portName) {
          json(res, 404, { error: `service '${name}' has no port named '${portName}' (it has '${portNameOf(chosen.url)}')`, services: this.#names() });
        } else if (chosen) {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(chosen.url);
        } else if (this.#registry.has(name)) {
          json(res, 404, { error: `service '${name}' has no ready instance: ${this.#registry.whyDown(name) ?? 'unknown'}`, services: this.#names() });
        } else this.#notFound(res, name);
        return;
      }
      case 'PUT':
      case 'POST':
        this.#register(req, res, name);
        return;
      case 'DELETE':
        if (this.#registry.unregister(name)) json(res, 200, { unregistered: name });
        else if (this.#registry.has(name)) json(res, 400, { error: `service '${name}' is managed by devmode and cannot be unregistered` });
        else this.#notFound(res, name);
        return;
      default:
        methodNotAllowed(res, 'GET, PUT, DELETE');
    }
  }

  #register(req: IncomingMessage, res: ServerResponse, name: string): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        json(res, 413, { error: `registration body is larger than ${MAX_BODY} bytes` });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const parsed = parseRegistration(Buffer.concat(chunks).toString('utf8'), name);
      if (typeof parsed === 'string') return json(res, 400, { error: parsed });
      try {
        this.#registry.register(parsed);
      } catch (error) {
        return json(res, 400, { error: (error as Error).message });
      }
      json(res, 200, this.#registry.get(name));
    });
    req.on('error', () => res.destroy());
  }

  #notFound(res: ServerResponse, name: string): void {
    json(res, 404, { error: `service '${name}' is not registered`, services: this.#names() });
  }

  #names(): string[] {
    return this.#registry.list().map((s) => s.name);
  }
}

/** A URI's port name as Lagom derives it: its scheme (http, https, tcp). */
function portNameOf(url: string): string {
  return url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
}

/**
 * A list entry in Lagom's RegisteredService shape (`name`, `url`, `portName`), with what
 * devmode knows besides (origin, ACLs, instances). `url` is null while no instance is ready.
 */
function lagomEntry(entry: ServiceEntry): ServiceEntry & { portName: string | null } {
  return { ...entry, portName: entry.url ? portNameOf(entry.url) : null };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  json(res, 405, { error: `method not allowed; use ${allow}` });
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
