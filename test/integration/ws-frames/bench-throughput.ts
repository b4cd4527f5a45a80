/**
 * Throughput of proxyUpgrade with frame accounting: 10 MB one way in small masked frames
 * (64-byte payloads) from a raw client through the proxy to a raw sink, beside the same
 * transfer with no proxy, and with a frames-on-demand observer that previews every frame.
 * Run: npx tsx test/integration/ws-frames/bench-throughput.ts [rounds]
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { proxyUpgrade as current, type UpgradeOptions } from '../../../src/net/proxy/ws-proxy.js';
import { frame, MASK } from '../../unit/ws-frames/encode.js';

type Proxy = (req: http.IncomingMessage, socket: Duplex, head: Buffer, target: { host: string; port: number }, options?: UpgradeOptions) => Promise<unknown>;

const TOTAL = 10 * 1024 * 1024;
const one = frame({ opcode: 2, payload: Buffer.alloc(64, 0x61), mask: MASK });
const payload = Buffer.concat(Array.from({ length: Math.ceil(TOTAL / one.length) }, () => one));

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A sink that accepts the upgrade and reports when `payload.length` bytes arrived. */
async function sink(): Promise<{ port: number; next: () => Promise<void>; close: () => void }> {
  const server = http.createServer();
  let waiter: (() => void) | undefined;
  server.on('upgrade', (_req, socket: Duplex) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    let got = 0;
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= payload.length) {
        waiter?.();
        socket.destroy();
      }
    });
    socket.on('error', () => {});
  });
  const port = await listen(server);
  return { port, next: () => new Promise<void>((r) => (waiter = r)), close: () => (server.closeAllConnections(), server.close()) };
}

async function proxyServer(proxy: Proxy, target: number, options: UpgradeOptions): Promise<{ port: number; close: () => void }> {
  const server = http.createServer();
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => void proxy(req, socket, head, { host: '127.0.0.1', port: target }, options));
  const port = await listen(server);
  return { port, close: () => (server.closeAllConnections(), server.close()) };
}

/** One transfer: handshake on a raw socket, then the payload in 64 KiB writes; ms until the sink has it all. */
async function transfer(port: number, done: Promise<void>): Promise<number> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  await new Promise<void>((r) => socket.once('data', () => r()));
  const started = performance.now();
  for (let at = 0; at < payload.length; at += 65536) {
    if (!socket.write(payload.subarray(at, at + 65536))) await new Promise((r) => socket.once('drain', r));
  }
  await done;
  const ms = performance.now() - started;
  socket.destroy();
  return ms;
}

const rounds = Number(process.argv[2] ?? 7);
const variants: [string, Proxy | null, UpgradeOptions][] = [
  ['direct (no proxy)', null, {}],
  ['proxyUpgrade with frame accounting', current, {}],
  // what a mesh edge with capture off (or over its rate limit) does: asked, declines
  ['proxyUpgrade, observer declining every frame', current, { frames: { begin: () => -1, frame: () => {} } }],
  ['proxyUpgrade, observer previewing every frame', current, { frames: { begin: () => 64, frame: () => {} } }],
];
const extra = process.argv[3];
if (extra) {
  const mod = (await import(extra)) as { proxyUpgrade: Proxy };
  variants.splice(1, 0, ['proxyUpgrade before (bytes only)', mod.proxyUpgrade, {}]);
}
const target = await sink();
const results = new Map<string, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const [name, proxy, options] of variants) {
    const front = proxy ? await proxyServer(proxy, target.port, options) : null;
    const ms = await transfer(front?.port ?? target.port, target.next());
    front?.close();
    results.set(name, [...(results.get(name) ?? []), ms]);
  }
}
target.close();
console.log(`${(payload.length / 1e6).toFixed(1)} MB in ${payload.length / one.length} frames of ${one.length} bytes, ${rounds} rounds, median:`);
for (const [name, times] of results) {
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(`  ${name.padEnd(48)} ${median.toFixed(1).padStart(7)} ms  ${(payload.length / 1e6 / (median / 1000)).toFixed(0).padStart(5)} MB/s`);
}
