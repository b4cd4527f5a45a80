/**
 * The mesh's lean path (net/lean): calls that need no fault, capture or streamed body are
 * read and relayed by devmode itself, answers verbatim. What a service relies on, tried
 * with real sockets: keep-alive and pipelining in order, every way an answer's body ends
 * (length, chunked and streamed, none for HEAD/204/304, by close), 1xx before the answer,
 * traceparent and headers as sent, a stale pooled connection retried, an upstream that
 * breaks off, and the requests it passes to node:http mid-connection (a fault added, a big
 * or chunked body, Expect, a malformed or huge head) answered as before.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { MeshEdge } from '../../../src/mesh/edge.js';
import { FaultTable } from '../../../src/mesh/faults/index.js';
import { HttpProxy } from '../../../src/net/proxy/index.js';
import { exchanges, request, waitFor } from './helpers.js';

/** A backend written as services are (node:http): paths pick the behaviour. */
async function startService(keepAliveMs = 5000) {
  const seen: { method: string; url: string; rawHeaders: string[]; body: string; socket: number }[] = [];
  const sockets = new Map<net.Socket, number>();
  let released: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const socket = sockets.get(req.socket) ?? -1;
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString(), socket });
      const path = req.url ?? '/';
      if (path === '/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        released = () => res.end('data: last\n\n');
        return;
      }
      if (path === '/no-content') return void res.writeHead(204).end();
      if (path === '/not-modified') return void res.writeHead(304, { etag: '"x"' }).end();
      if (path === '/hints') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload' });
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end('after hints');
      }
      if (path === '/slow') return void setTimeout(() => res.end('late'), 300);
      const body = JSON.stringify({ path, got: Buffer.concat(chunks).toString() });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-service': 'user' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  server.keepAliveTimeout = keepAliveMs;
  let next = 0;
  server.on('connection', (s: net.Socket) => sockets.set(s, next++));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as AddressInfo).port, seen, connections: () => next, release: () => released?.(), server };
}

/** A backend that answers every request with the given raw bytes (HTTP it would not write itself). */
async function startRawService(answer: (socket: net.Socket) => void) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

async function edgeTo(port: number) {
  const registry = new Registry();
  registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port, state: 'ready' });
  const events: DevmodeEvent[] = [];
  const faults = new FaultTable({ seed: 1, rules: [], publish: (e) => events.push(e), services: ['user', 'shipping'] });
  const proxy = new HttpProxy();
  const edge = new MeshEdge({ caller: { service: 'shipping', instance: 0 }, callee: 'user', resolver: registry, publish: (e) => events.push(e), proxy, waitTimeoutMs: 2000, faults });
  await edge.start();
  onTestFinished(async () => {
    await edge.stop();
    await proxy.close();
  });
  return { edge, faults, events, registry };
}

/** A raw client connection: send bytes, read until a predicate holds on all that came. */
async function rawClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((r) => socket.once('connect', r));
  let received = '';
  let ended = false;
  socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
  socket.on('end', () => (ended = true));
  socket.on('close', () => (ended = true));
  onTestFinished(() => void socket.destroy());
  return {
    send: (text: string) => socket.write(text),
    until: (what: string, check: (text: string) => boolean) => waitFor(what, () => check(received) && received),
    get received() {
      return received;
    },
    closed: () => waitFor('the connection to close', () => ended),
  };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('the mesh lean path', () => {
  it('serves keep-alive and pipelined requests on one connection, answers in order and verbatim', async () => {
    const service = await startService();
    const { edge, events } = await edgeTo(service.port);
    const client = await rawClient(edge.url);
    client.send('GET /a HTTP/1.1\r\nhost: user\r\n\r\nPOST /b HTTP/1.1\r\nhost: user\r\ncontent-length: 5\r\n\r\nhelloGET /c HTTP/1.1\r\nhost: user\r\n\r\n');
    const text = await client.until('three answers', (t) => count(t, 'HTTP/1.1 201') === 3 && t.endsWith('}'));
    const bodies = [...text.matchAll(/\{"path":"([^"]*)","got":"([^"]*)"\}/g)].map((m) => [m[1], m[2]]);
    expect(bodies).toEqual([
      ['/a', ''],
      ['/b', 'hello'],
      ['/c', ''],
    ]);
    // The service's own head, unchanged: its header and its Keep-Alive hint.
    expect(text).toContain('x-service: user\r\n');
    expect(count(text, 'Keep-Alive: timeout=5')).toBe(3);
    expect(service.connections()).toBe(1);
    expect(exchanges(events).map((e) => [e.method, e.path, e.status, e.requestBytes])).toEqual([
      ['GET', '/a', 201, 0],
      ['POST', '/b', 201, 5],
      ['GET', '/c', 201, 0],
    ]);
  });

  it('sets its own traceparent, keeping the trace id, and passes every other header line as sent', async () => {
    const service = await startService();
    const { edge, events } = await edgeTo(service.port);
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const answer = await request(`${edge.url}/t`, { headers: { traceparent: `00-${trace}-b7ad6b7169203331-01`, cookie: 'a=1', 'x-Mixed-Case': 'v' } });
    expect(answer.status).toBe(201);
    const raw = service.seen[0]!.rawHeaders;
    const value = (name: string) => raw[raw.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === name) + 1];
    expect(value('traceparent')).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
    expect(value('traceparent')).not.toContain('b7ad6b7169203331');
    expect(raw.filter((h) => h.toLowerCase() === 'traceparent')).toHaveLength(1);
    expect(raw).toContain('x-Mixed-Case');
    expect(value('cookie')).toBe('a=1');
    expect(exchanges(events)[0]!.traceparent).toBe(value('traceparent'));
  });

  it('relays a streamed (chunked) answer as it comes, before its end', async () => {
    const service = await startService();
    const { edge } = await edgeTo(service.port);
    const client = await rawClient(edge.url);
    client.send('GET /stream HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the first event', (t) => t.includes('data: first'));
    expect(client.received).not.toContain('data: last');
    service.release();
    await client.until('the end of the chunked body', (t) => t.includes('data: last') && t.endsWith('0\r\n\r\n'));
    // The connection carries the next request afterwards.
    client.send('GET /after HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the next answer', (t) => t.includes('"path":"/after"'));
  });

  it('knows answers without a body: HEAD, 204, 304; and relays 103 Early Hints before the answer', async () => {
    const service = await startService();
    const { edge } = await edgeTo(service.port);
    const client = await rawClient(edge.url);
    client.send('HEAD /h HTTP/1.1\r\nhost: user\r\n\r\nGET /no-content HTTP/1.1\r\nhost: user\r\n\r\nGET /not-modified HTTP/1.1\r\nhost: user\r\n\r\nGET /hints HTTP/1.1\r\nhost: user\r\n\r\n');
    const text = await client.until('four answers', (t) => t.includes('after hints') && t.endsWith('0\r\n\r\n'));
    expect(text.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 201', 'HTTP/1.1 204', 'HTTP/1.1 304', 'HTTP/1.1 103', 'HTTP/1.1 200']);
    expect(text.toLowerCase()).toContain('link: </style.css>; rel=preload');
  });

  it('ends the connection after an answer delimited by close, and after `connection: close`', async () => {
    const port = await startRawService((s) => s.end('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end'));
    const { edge, events } = await edgeTo(port);
    const client = await rawClient(edge.url);
    client.send('GET /x HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.closed();
    expect(client.received).toMatch(/\r\n\r\nuntil the end$/);
    expect(exchanges(events)[0]).toMatchObject({ status: 200, responseBytes: 13 });

    const service = await startService();
    const second = await edgeTo(service.port);
    const other = await rawClient(second.edge.url);
    other.send('GET /y HTTP/1.1\r\nhost: user\r\nconnection: close\r\n\r\n');
    await other.closed();
    expect(other.received).toContain('"path":"/y"');
  });

  it('retries a call whose pooled connection the service had closed, so the caller never sees it', async () => {
    const service = await startService(100);
    const { edge, events } = await edgeTo(service.port);
    expect((await request(`${edge.url}/one`)).status).toBe(201);
    // The service closes its idle keep-alive connection (100 ms); devmode still holds it.
    await new Promise((r) => setTimeout(r, 400));
    expect((await request(`${edge.url}/two`)).status).toBe(201);
    expect(exchanges(events).map((e) => e.status)).toEqual([201, 201]);
  });

  it('cuts the caller off when the service breaks off mid-answer, and answers 502 for a malformed answer', async () => {
    const cutPort = await startRawService((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly part'));
    const cut = await edgeTo(cutPort);
    await expect(request(`${cut.edge.url}/x`)).rejects.toThrow();
    expect(exchanges(cut.events)[0]).toMatchObject({ status: 200, error: 'aborted' });

    const junkPort = await startRawService((s) => s.end('SMTP ready\r\n\r\n'));
    const junk = await edgeTo(junkPort);
    const answer = await request(`${junk.edge.url}/x`);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "service 'user' is unavailable" });
  });

  it('answers 503/502 itself when the callee is down, on a connection that stays usable', async () => {
    const service = await startService();
    const { edge, registry } = await edgeTo(service.port);
    registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port: service.port, state: 'down' });
    const client = await rawClient(edge.url);
    client.send('GET /x HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the answer', (t) => t.includes('"error":"service \'user\' is down"'));
    expect(client.received).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port: service.port, state: 'ready' });
    client.send('GET /y HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the next answer', (t) => t.includes('"path":"/y"'));
  });

  it('passes a connection to node:http mid-way when a fault rule comes to apply, and the fault is felt', async () => {
    const service = await startService();
    const { edge, faults } = await edgeTo(service.port);
    const client = await rawClient(edge.url);
    client.send('GET /before HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the first answer', (t) => t.includes('"path":"/before"'));
    faults.set({ id: 'teapot', caller: 'shipping', callee: 'user', status: 418 });
    client.send('GET /during HTTP/1.1\r\nhost: user\r\n\r\n');
    await client.until('the fault', (t) => t.includes('HTTP/1.1 418'));
    expect(service.seen.map((s) => s.url)).toEqual(['/before']);
  });

  it('passes on what it does not read itself, answered as before: a big body, a chunked body, Expect, a malformed or huge head', async () => {
    const service = await startService();
    const { edge } = await edgeTo(service.port);
    const big = 'x'.repeat(200_000);
    const answer = await request(`${edge.url}/big`, { method: 'POST', body: big });
    expect(JSON.parse(answer.body).got).toHaveLength(200_000);

    const chunked = await rawClient(edge.url);
    chunked.send('POST /chunked HTTP/1.1\r\nhost: user\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    await chunked.until('the answer', (t) => t.includes('"got":"hello"'));

    const expecting = await rawClient(edge.url);
    expecting.send('POST /expect HTTP/1.1\r\nhost: user\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n');
    await expecting.until('100 Continue', (t) => t.includes('HTTP/1.1 100 Continue'));
    expecting.send('ok');
    await expecting.until('the answer', (t) => t.includes('"got":"ok"'));

    const malformed = await rawClient(edge.url);
    malformed.send('GET /x HTTP/1.1\r\nbad header line\r\n\r\n');
    await malformed.until('400', (t) => t.startsWith('HTTP/1.1 400'));

    const huge = await rawClient(edge.url);
    huge.send(`GET /x HTTP/1.1\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    await huge.until('431', (t) => t.startsWith('HTTP/1.1 431'));
  });

  it('abandons the service call when the caller goes away, and the connection is not reused', async () => {
    const service = await startService();
    const { edge, events } = await edgeTo(service.port);
    await expect(request(`${edge.url}/slow`, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'CLIENT_TIMEOUT' });
    const exchange = await waitFor('the exchange', () => exchanges(events)[0]);
    expect(exchange).toMatchObject({ status: 499, error: 'aborted' });
    expect((await request(`${edge.url}/next`)).status).toBe(201);
    expect(service.connections()).toBe(2);
  });
});
