import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { onTestFinished } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { proxyUpgrade, type UpgradeOptions, type WsTotals } from '../../../src/net/proxy/ws-proxy.js';

/** A real `ws` server on port 0; `onConnection` scripts what it does with each client. */
export async function startWsServer(onConnection: (ws: WebSocket) => void): Promise<{ port: number; received: (string | Buffer)[] }> {
  const received: (string | Buffer)[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => received.push(isBinary ? Buffer.from(data as Buffer) : data.toString()));
    onConnection(ws);
  });
  await new Promise<void>((r) => server.once('listening', r));
  onTestFinished(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as AddressInfo).port, received };
}

/** An HTTP server whose upgrades go through proxyUpgrade to `port`; the totals of each connection land in `closed`. */
export async function startProxy(port: number, options: UpgradeOptions = {}): Promise<{ url: string; closed: WsTotals[] }> {
  const closed: WsTotals[] = [];
  const server = http.createServer((_req, res) => res.end());
  // server.close() waits for upgraded sockets, which closeAllConnections() does not know.
  const sockets = new Set<Duplex>();
  server.on('upgrade', async (req, socket, head) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    const result = await proxyUpgrade(req, socket, head, { host: '127.0.0.1', port }, options);
    if (result.kind === 'upgraded') closed.push(await result.closed);
    else socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onTestFinished(async () => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, closed };
}

/** Opens a `ws` client (terminated after the test); `got` has what it received, from the first frame on. */
export async function connect(url: string): Promise<{ ws: WebSocket; got: string[] }> {
  const ws = new WebSocket(url);
  const got: string[] = [];
  // Listening before 'open': frames that come with the handshake are emitted right after it.
  ws.on('message', (data, isBinary) => got.push(isBinary ? Buffer.from(data as Buffer).toString('hex') : data.toString()));
  ws.on('error', () => {});
  onTestFinished(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
  });
  return { ws, got };
}

/** Polls until `check` returns a value (not undefined/false), or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
