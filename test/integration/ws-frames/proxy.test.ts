import net from 'node:net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connect, startProxy, startWsServer, waitFor } from './helpers.js';
import { frame, MASK } from '../../unit/ws-frames/encode.js';

/** Wire size of a frame: header (+ mask key from the client) + payload, for payloads under 126 bytes. */
const wire = (payload: number, fromClient: boolean) => 2 + (fromClient ? 4 : 0) + payload;

describe('proxyUpgrade frame accounting', () => {
  it('counts N messages each way, their bytes and the client close code', async () => {
    const fromServer = Array.from({ length: 30 }, (_, i) => `s-${i}`);
    const fromClient = Array.from({ length: 50 }, (_, i) => `client-${i}`);
    const backend = await startWsServer((ws) => fromServer.forEach((m) => ws.send(m)));
    const proxy = await startProxy(backend.port);
    const { ws, got } = await connect(proxy.url);
    fromClient.forEach((m) => ws.send(m));
    await waitFor('both sides to receive everything', () => got.length === 30 && backend.received.length === 50);
    ws.close(4001, 'bye');
    const [totals] = await waitFor('the connection to close', () => proxy.closed.length === 1 && proxy.closed);
    // ws answers a close with the same code and reason
    const closeFrame = 2 + 'bye'.length;
    expect(totals).toEqual({
      framesIn: 50,
      framesOut: 30,
      messagesIn: 50,
      messagesOut: 30,
      dataBytesIn: fromClient.join('').length,
      dataBytesOut: fromServer.join('').length,
      bytesIn: fromClient.reduce((n, m) => n + wire(m.length, true), 0) + wire(closeFrame, true),
      bytesOut: fromServer.reduce((n, m) => n + wire(m.length, false), 0) + wire(closeFrame, false),
      code: 4001,
      framesValid: true,
    });
  });

  it('reports the code of the side that closed first, and fragmented and large messages', async () => {
    const backend = await startWsServer((ws) => ws.on('message', () => backend.received.length === 2 && ws.close(4002)));
    const proxy = await startProxy(backend.port);
    const { ws } = await connect(proxy.url);
    ws.send(Buffer.alloc(70_000, 1)); // 64-bit length form
    ws.send('a', { fin: false });
    ws.send('b', { fin: false });
    ws.send('c', { fin: true });
    const [totals] = await waitFor('the connection to close', () => proxy.closed.length === 1 && proxy.closed);
    expect(backend.received[1]).toBe('abc');
    expect(totals).toMatchObject({ framesIn: 4, messagesIn: 2, dataBytesIn: 70_003, framesOut: 0, code: 4002, framesValid: true });
  });

  it('reports no close code when the connection just drops', async () => {
    const backend = await startWsServer((ws) => ws.send('x'));
    const proxy = await startProxy(backend.port);
    const { ws, got } = await connect(proxy.url);
    await waitFor('the message', () => got.length === 1);
    ws.terminate();
    const [totals] = await waitFor('the connection to close', () => proxy.closed.length === 1 && proxy.closed);
    expect(totals).toMatchObject({ framesOut: 1, code: null });
  });

  it('keeps relaying a connection whose bytes are not WebSocket frames', async () => {
    // An upstream that accepts the upgrade and echoes raw bytes, whatever they are.
    const upstream = http.createServer();
    const sockets = new Set<import('node:stream').Duplex>();
    upstream.on('upgrade', (_req, socket) => {
      sockets.add(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d));
      socket.on('end', () => socket.end());
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    onTestFinished(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), upstream.close(() => r()))));
    const proxy = await startProxy((upstream.address() as AddressInfo).port);
    const port = Number(new URL(proxy.url).port);
    const client = net.connect(port, '127.0.0.1');
    onTestFinished(() => void client.destroy());
    let received = Buffer.alloc(0);
    client.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    client.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await waitFor('the 101', () => received.includes('\r\n\r\n'));
    const good = frame({ opcode: 1, payload: 'ok', mask: MASK });
    const garbage = Buffer.concat([Buffer.from([0x83, 0x00]), Buffer.from('this is not a websocket frame')]); // opcode 3 is reserved
    const sent = Buffer.concat([good, garbage, good]);
    const afterHead = received.indexOf('\r\n\r\n') + 4;
    client.write(sent);
    await waitFor('the echo of every byte', () => received.length - afterHead === sent.length);
    expect(received.subarray(afterHead)).toEqual(sent);
    client.destroy();
    const [totals] = await waitFor('the connection to close', () => proxy.closed.length === 1 && proxy.closed);
    expect(totals).toMatchObject({ bytesIn: sent.length, bytesOut: sent.length, framesIn: 1, framesValid: false, code: null });
  });
});
