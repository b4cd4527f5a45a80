/**
 * The alternative upstream client measured against node:http's Agent: an undici Pool
 * driven through the low-level dispatch handler API (the fastest undici path: no web
 * streams). Kept in the bench only; see src/net/proxy/http-proxy.ts for the choice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { addForwarded, endToEndHeaders } from '../../../src/net/proxy/headers.js';

export class UndiciForwarder {
  readonly #pool: Pool;

  constructor(origin: string) {
    this.#pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 4000 });
  }

  forward(req: IncomingMessage, res: ServerResponse): void {
    const headers = endToEndHeaders(req.headers);
    addForwarded(headers, req);
    delete headers.host;
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    this.#pool.dispatch(
      { method: (req.method ?? 'GET') as 'GET', path: req.url ?? '/', headers: headers as Record<string, string>, body: hasBody ? req : null },
      {
        onResponseStart(controller, status, upstream, statusText) {
          const out: Record<string, string | string[]> = {};
          for (const name in upstream) {
            if (!/^(connection|keep-alive|transfer-encoding)$/i.test(name)) out[name] = upstream[name]!;
          }
          res.writeHead(status, statusText ?? '', out);
          res.on('drain', () => controller.resume());
        },
        onResponseData(controller, chunk) {
          if (!res.write(chunk)) controller.pause();
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError(_controller, error) {
          if (res.headersSent) res.destroy();
          else {
            res.writeHead(502);
            res.end(String(error));
          }
        },
      },
    );
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
