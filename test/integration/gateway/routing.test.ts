import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ready, startBackend, startGateway, waitFor } from './helpers.js';

interface Echo {
  name: string;
  method: string;
  url: string;
  headers: Record<string, string>;
}

describe('gateway routing', () => {
  it('routes by pattern and method, first match wins, strips prefixes', async () => {
    const [a, b, c] = await Promise.all([startBackend('a'), startBackend('b'), startBackend('c')]);
    const rig = await startGateway([
      { name: 'a', routes: [{ path: '/api/items', methods: ['POST'] }] },
      { name: 'b', routes: ['/api/items/:id', '/api/**'] },
      { name: 'c', routes: [{ path: '/c/**', stripPrefix: '/c' }] },
    ]);
    ready(rig.registry, 'a', 0, a);
    ready(rig.registry, 'b', 0, b);
    ready(rig.registry, 'c', 0, c);
    const call = async (method: string, path: string) => (await (await fetch(`${rig.url}${path}`, { method })).json()) as Echo;
    expect(await call('POST', '/api/items')).toMatchObject({ name: 'a', url: '/api/items' });
    expect(await call('GET', '/api/items')).toMatchObject({ name: 'b', url: '/api/items' });
    expect(await call('GET', '/api/items/9?full=1')).toMatchObject({ name: 'b', url: '/api/items/9?full=1' });
    expect(await call('DELETE', '/api/x/y')).toMatchObject({ name: 'b', method: 'DELETE', url: '/api/x/y' });
    expect(await call('GET', '/c/deep/path?q=2')).toMatchObject({ name: 'c', url: '/deep/path?q=2' });
  });

  it('adds X-Forwarded headers, keeps Host and drops hop-by-hop headers', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: ['/**'] }]);
    ready(rig.registry, 'a', 0, a);
    const echo = await new Promise<Echo>((resolve, reject) => {
      const req = http.get(
        `${rig.url}/hello`,
        { headers: { 'x-forwarded-for': '10.0.0.1', connection: 'keep-alive, x-private', 'x-private': 'secret', 'x-kept': 'yes' } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(JSON.parse(text) as Echo));
        },
      );
      req.on('error', reject);
    });
    expect(echo.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
    expect(echo.headers['x-forwarded-host']).toBe(new URL(rig.url).host);
    expect(echo.headers.host).toBe(new URL(rig.url).host);
    expect(echo.headers['x-kept']).toBe('yes');
    expect(echo.headers['x-private']).toBeUndefined();
  });

  it('on the lean path too (a plain request, no X-Forwarded-* of its own): X-Forwarded-*, traceparent, stripped prefix, one connection reused', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: [{ path: '/c/**', stripPrefix: '/c' }] }]);
    ready(rig.registry, 'a', 0, a);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ echo: Echo; port: number }>((resolve, reject) => {
        const req = http.get(`${rig.url}${path}`, { agent, headers: { 'x-kept': 'yes' } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ echo: JSON.parse(text) as Echo, port: req.socket?.localPort ?? 0 }));
        });
        req.on('error', reject);
      });
    const first = await get('/c/one?x=1');
    const second = await get('/c/two');
    agent.destroy();
    expect(first.echo).toMatchObject({ name: 'a', url: '/one?x=1' });
    expect(second.echo).toMatchObject({ name: 'a', url: '/two' });
    expect(second.port).toBe(first.port);
    const headers = first.echo.headers;
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(new URL(rig.url).host);
    expect(headers.host).toBe(new URL(rig.url).host);
    expect(headers['x-kept']).toBe('yes');
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('streams bodies both ways: each chunk comes back before the next is sent', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: ['/**'] }]);
    ready(rig.registry, 'a', 0, a);
    const req = http.request(`${rig.url}/echo`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      req.on('response', resolve);
      req.on('error', reject);
      req.flushHeaders();
    });
    let received = Buffer.alloc(0);
    res.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    // Ping-pong: only possible if neither direction waits for the whole body.
    for (let i = 0; i < 5; i++) {
      const chunk = Buffer.from(`chunk-${i};`);
      const expected = received.length + chunk.length;
      req.write(chunk);
      await waitFor(`echo of chunk ${i}`, () => received.length >= expected);
    }
    // Then a large body: 32 MiB, checked by hash.
    const block = randomBytes(1024 * 1024);
    const sent = createHash('sha256');
    const got = createHash('sha256');
    const prefix = received;
    sent.update(prefix);
    got.update(prefix);
    res.removeAllListeners('data');
    let total = 0;
    res.on('data', (d: Buffer) => {
      got.update(d);
      total += d.length;
    });
    const done = new Promise((r) => res.on('end', r));
    for (let i = 0; i < 32; i++) {
      sent.update(block);
      if (!req.write(block)) await new Promise((r) => req.once('drain', r));
    }
    req.end();
    await done;
    expect(total).toBe(32 * 1024 * 1024);
    expect(got.digest('hex')).toBe(sent.digest('hex'));
    await waitFor('the exchange event', () => rig.events.some((e) => e.type === 'http.exchange'));
    const exchange = rig.events.find((e) => e.type === 'http.exchange');
    expect(exchange).toMatchObject({ caller: { service: 'gateway', instance: null }, callee: { service: 'a', instance: 0 }, method: 'POST', status: 200 });
    expect(exchange && 'requestBytes' in exchange && exchange.requestBytes).toBe(32 * 1024 * 1024 + prefix.length);
    expect(exchange && 'responseBytes' in exchange && exchange.responseBytes).toBe(32 * 1024 * 1024 + prefix.length);
   }, 20_000);

  it('proxies WebSocket upgrades both ways and reports open and close', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: [{ path: '/ws/**', stripPrefix: '/ws' }] }]);
    ready(rig.registry, 'a', 0, a);
    const ws = new WebSocket(`${rig.url.replace('http', 'ws')}/ws/chat`);
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send('one');
    ws.send('two');
    await waitFor('two echoes', () => messages.length === 2);
    expect(messages).toEqual(['a:/chat:one', 'a:/chat:two']);
    ws.close();
    await waitFor('ws.closed', () => rig.events.some((e) => e.type === 'ws.closed'));
    expect(rig.events.find((e) => e.type === 'ws.opened')).toMatchObject({ callee: { service: 'a', instance: 0 }, path: '/ws/chat' });
    const closed = rig.events.find((e) => e.type === 'ws.closed');
    expect(closed && 'bytesIn' in closed && closed.bytesIn).toBeGreaterThan(0);
  });

  it('survives either side of a WebSocket vanishing abruptly', async () => {
    const a = await startBackend('a');
    const rig = await startGateway([{ name: 'a', routes: ['/**'] }]);
    ready(rig.registry, 'a', 0, a);
    const open = async () => {
      const ws = new WebSocket(`${rig.url.replace('http', 'ws')}/live`);
      ws.on('error', () => {});
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
      });
      return ws;
    };
    // the client disappears without a close frame
    const first = await open();
    first.terminate();
    // the backend disappears: the client sees its socket close
    const second = await open();
    const closed = new Promise((r) => second.once('close', r));
    await a.close();
    await closed;
    await waitFor('both ws.closed events', () => rig.events.filter((e) => e.type === 'ws.closed').length === 2);
    // the gateway still answers
    expect((await fetch(`${rig.url}/x`)).status).toBe(502);
  });

  it('refuses an upgrade with no route with a 404, and survives a client that vanishes', async () => {
    const rig = await startGateway([{ name: 'a', routes: ['/a/**'] }]);
    const ws = new WebSocket(`${rig.url.replace('http', 'ws')}/nowhere`);
    ws.on('error', () => {}); // terminating a refused socket reports an error; expected here
    const status = await new Promise<number>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
    ws.terminate();
    expect((await fetch(`${rig.url}/nowhere`)).status).toBe(404);
  });

  it('answers no route with a 404 listing the routes, as JSON or as HTML for browsers', async () => {
    const rig = await startGateway([{ name: 'order', routes: [{ path: '/api/orders/**', methods: ['GET', 'POST'] }] }]);
    const res = await fetch(`${rig.url}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: 'no route for GET /nope', routes: [{ path: '/api/orders/**', methods: ['GET', 'POST'], service: 'order' }] });
    const page = await fetch(`${rig.url}/nope`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<code>/api/orders/**</code>');
    expect(html).toContain('order');
    expect(rig.events.filter((e) => e.type === 'http.exchange').map((e) => 'status' in e && e.status)).toEqual([404, 404]);
  });

  it('warns about overlapping routes of different services at start', async () => {
    const rig = await startGateway([
      { name: 'a', routes: ['/api/**'] },
      { name: 'b', routes: ['/api/b'] },
    ]);
    const notices = rig.events.filter((e) => e.type === 'system.notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ level: 'warn', source: 'gateway' });
    expect(notices[0] && 'message' in notices[0] && notices[0].message).toMatch(/'\/api\/\*\* -> a' and '\/api\/b -> b'/);
  });

  it('routes Lagom registrations by their ACLs', async () => {
    const hello = await startBackend('hello');
    const rig = await startGateway([], { acls: true });
    expect((await fetch(`${rig.url}/hello/world`)).status).toBe(404);
    rig.registry.register({ name: 'hello', url: `http://127.0.0.1:${hello.port}`, acls: [{ method: 'GET', pathRegex: '/hello/.*' }] });
    expect(await (await fetch(`${rig.url}/hello/world`)).json()).toMatchObject({ name: 'hello', url: '/hello/world' });
    rig.registry.unregister('hello');
    expect((await fetch(`${rig.url}/hello/world`)).status).toBe(404);
  });
});
