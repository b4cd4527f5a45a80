import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HttpProxy, type ForwardResult } from '../../../src/net/proxy/index.js';
import { ready, startBackend, startGateway, waitFor } from '../gateway/helpers.js';

/**
 * A raw HTTP/1.1 upstream that answers each connection's first request with a keep-alive
 * 200 and, per `onSecond`, either answers or drops the connection when a second request
 * comes on it: what a backend that closes an idle connection looks like to a proxy that
 * reuses it a moment later.
 */
async function rawUpstream(dropFirst: boolean): Promise<{ port: number; requests: () => number }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = 0;
    socket.on('data', (data) => {
      // One request per packet is enough for these small GETs.
      if (!data.includes('\r\n\r\n')) return;
      requests++;
      seen++;
      if (dropFirst || seen > 1) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return { port: (server.address() as AddressInfo).port, requests: () => requests };
}

/** A front server forwarding every request to `port` through `proxy`; failed results are kept and answered 502. */
async function front(proxy: HttpProxy, port: number): Promise<{ url: string; results: ForwardResult[] }> {
  const results: ForwardResult[] = [];
  const server = http.createServer(async (req, res) => {
    const result = await proxy.forward(req, res, { host: '127.0.0.1', port });
    results.push(result);
    if (result.kind === 'failed') res.writeHead(502).end(result.code ?? 'failed');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, results };
}

function newProxy(): HttpProxy {
  const proxy = new HttpProxy();
  onTestFinished(() => proxy.close());
  return proxy;
}

describe('HttpProxy upstream connections (bodyless requests, the undici path)', () => {
  it('marks a request retryable when it went out on a pooled connection the upstream had closed', async () => {
    const upstream = await rawUpstream(false);
    const { url, results } = await front(newProxy(), upstream.port);
    expect((await fetch(`${url}/a`)).status).toBe(200);
    // The same pooled connection is reused; the upstream drops it on the second request.
    expect((await fetch(`${url}/b`)).status).toBe(502);
    expect(results[0]).toMatchObject({ kind: 'response', status: 200, aborted: false, responseBytes: 2 });
    expect(results[1]).toMatchObject({ kind: 'failed', retryable: true, code: 'ECONNRESET', requestBytes: 0 });
    expect(upstream.requests()).toBe(2);
  });

  it('does not mark it retryable when a fresh connection is dropped (the request may have reached the application)', async () => {
    const upstream = await rawUpstream(true);
    const { url, results } = await front(newProxy(), upstream.port);
    expect((await fetch(`${url}/a`)).status).toBe(502);
    expect(results[0]).toMatchObject({ kind: 'failed', retryable: false });
  });

  it('marks a refused connection retryable and names ECONNREFUSED', async () => {
    const spare = net.createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const { url, results } = await front(newProxy(), port);
    expect((await fetch(`${url}/a`)).status).toBe(502);
    expect(results[0]).toMatchObject({ kind: 'failed', retryable: true, code: 'ECONNREFUSED' });
  });

  it('keeps repeated response headers, drops hop-by-hop ones, and reports an aborted client as 499', async () => {
    let slowSeen = false;
    const server = http.createServer((req, res) => {
      if (req.url === '/slow') {
        slowSeen = true;
        return void setTimeout(() => res.end('late'), 2000).unref();
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('connection', 'keep-alive, x-private');
      res.setHeader('x-private', 'hop');
      res.end('hello');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    onTestFinished(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const { url, results } = await front(newProxy(), (server.address() as AddressInfo).port);
    const res = await fetch(`${url}/x`);
    expect(await res.text()).toBe('hello');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('x-private')).toBeNull();
    const gone = new AbortController();
    const slow = fetch(`${url}/slow`, { signal: gone.signal }).catch(() => 'aborted');
    await waitFor('the slow request to reach the upstream', () => slowSeen);
    gone.abort();
    expect(await slow).toBe('aborted');
    await waitFor('the 499 result', () => results.length === 2);
    expect(results[1]).toMatchObject({ kind: 'response', status: 499, aborted: true });
  });

  it('loses no bodyless request when an instance is swapped to a new process under steady traffic', async () => {
    const [old, next] = await Promise.all([startBackend('old'), startBackend('new')]);
    const rig = await startGateway([{ name: 'svc', routes: ['/**'] }]);
    ready(rig.registry, 'svc', 0, old);
    let running = true;
    const failures: string[] = [];
    let ok = 0;
    const loop = async () => {
      while (running) {
        try {
          const res = await fetch(`${rig.url}/x`);
          if (res.status === 200) ok++;
          else failures.push(`status ${res.status}: ${await res.text()}`);
          await res.arrayBuffer().catch(() => {});
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    await waitFor('traffic on the old instance', () => old.hits >= 50);
    rig.registry.swapInstance('svc', 0, { port: next.port });
    await old.close();
    await waitFor('traffic on the new instance', () => next.hits >= 50);
    running = false;
    await Promise.all(loops);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(100);
  });
});
