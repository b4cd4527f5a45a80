/**
 * The gateway's own answers for requests that cannot be served as sent, through the real
 * System (as `devmode up` runs it) and `devmode status`: oversized headers (431), a request that never completes (408 after
 * `gateway.request_timeout`), dot segments (normalised as nginx does, or 400 when they
 * climb above the root), all with a JSON body; and requests that match no route show in
 * `devmode status` as unrouted, not as an edge gateway -> gateway with errors.
 */
import path from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../../src/harness/index.js';
import { FIXTURES, removeDir, runDevmode, tempDir } from '../helpers/devmode-rig.js';

let dir: string;
let h: Harness;
let gateway: URL;

beforeAll(async () => {
  dir = tempDir({
    'devmode.yaml': `
name: gwanswers-${process.pid}
services:
  echo:
    command: node ${path.join(FIXTURES, 'e2e/echo-path.mjs')}
    routes: [/echo/**]
locator: { port: 0 }
gateway: { port: 0, request_timeout: 1s }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`,
  });
  // the same System as devmode up, in this process; `devmode status` talks to its admin API
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
  gateway = new URL(h.gatewayUrl);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (dir) removeDir(dir);
});

/** Sends raw bytes and resolves with everything the gateway sent back until it closed (or 10 s). */
function raw(request: string, keepOpen = false): Promise<{ status: number; headers: string; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(gateway.port), gateway.hostname, () => (keepOpen ? socket.write(request) : socket.end(request)));
    let data = '';
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within 10 s; got: ${data}`)), 10_000);
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n'), ms: performance.now() - t0 });
    });
  });
}

describe('gateway answers', () => {
  it('oversized headers: 431 with a JSON body', async () => {
    const r = await raw(`GET /echo/x HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(r.body)).toMatchObject({ error: expect.stringMatching(/headers/) });
  });

  it('a request that never completes: 408 with a JSON body after gateway.request_timeout', async () => {
    const headersOnly = await raw('GET /echo/x HTTP/1.1\r\nHost: a\r\n', true);
    expect(headersOnly.status).toBe(408);
    expect(JSON.parse(headersOnly.body)).toMatchObject({ error: expect.stringMatching(/time/) });
    expect(headersOnly.ms).toBeGreaterThan(900);
    const bodyCut = await raw('POST /echo/x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789', true);
    expect(bodyCut.status).toBe(408);
  });

  it('dot segments are resolved as nginx does, and refused when they climb above the root', async () => {
    const inside = await raw('GET /echo/a/../b/./c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', true);
    expect(inside.status).toBe(200);
    expect(JSON.parse(inside.body)).toEqual({ path: '/echo/b/c' });
    const encoded = await raw('GET /echo/a/%2e%2E/b?q=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', true);
    expect(JSON.parse(encoded.body)).toEqual({ path: '/echo/b?q=1' });
    const escape = await raw('GET /echo/../../etc/passwd HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', true);
    expect(escape.status).toBe(400);
    expect(JSON.parse(escape.body)).toMatchObject({ error: expect.stringMatching(/above the root/) });
    // a path that leaves /echo/ for another route is routed by where it leads
    const elsewhere = await raw('GET /echo/../nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', true);
    expect(elsewhere.status).toBe(404);
  });

  it('requests that match no route show as unrouted in devmode status, not as errors of gateway -> gateway', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(new URL('/no/such/route', gateway))).status).toBe(404);
    const status = await runDevmode(['status', '--json', '--admin', String(h.system.addresses.adminUrl)], dir);
    const snapshot = JSON.parse(status.stdout) as { edges: { caller: string; callee: string; errors: number; requests: number }[] };
    expect(snapshot.edges.find((e) => e.callee === 'gateway')).toBeUndefined();
    const unrouted = snapshot.edges.find((e) => e.callee === '(unrouted)');
    expect(unrouted).toMatchObject({ caller: 'gateway', errors: 0 });
    expect(unrouted!.requests).toBeGreaterThanOrEqual(3);
    const text = await runDevmode(['status', '--admin', String(h.system.addresses.adminUrl)], dir);
    expect(text.stdout).toMatch(/gateway -> \(unrouted\)/);
  });
});
