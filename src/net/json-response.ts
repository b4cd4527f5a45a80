import type { ServerResponse } from 'node:http';
import { http } from './node-http.js';
import type { Duplex } from 'node:stream';

/**
 * devmode's own JSON answers (no route, service down, not ready in time, locator misses):
 * one writer for the gateway, the mesh and the locator. Returns the bytes written; when an
 * answer has already begun, the exchange is cut instead (no second head can be sent).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, withBody = true): number {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return 0;
  }
  const text = JSON.stringify(body) + '\n';
  const length = Buffer.byteLength(text);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': length, 'cache-control': 'no-store', ...headers });
  res.end(withBody ? text : undefined);
  return length;
}

/** The same on a raw socket (a WebSocket upgrade that cannot be served), then closes it. */
export function sendJsonOnSocket(socket: Duplex, status: number, body: unknown): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(jsonAnswer(status, body, true).text);
}

/** The whole HTTP/1.1 answer as text (for raw sockets), and its body's length in bytes. */
export function jsonAnswer(status: number, body: unknown, close: boolean): { text: string; bodyBytes: number } {
  return rawAnswer(status, 'application/json; charset=utf-8', JSON.stringify(body) + '\n', {}, close, true);
}

/**
 * An answer of devmode's own as the text of a whole HTTP/1.1 response, for raw sockets
 * (the lean path, refused upgrades). `withBody` false for a HEAD request: the length is
 * still the body's.
 */
export function rawAnswer(status: number, contentType: string, body: string, headers: Readonly<Record<string, string>>, close: boolean, withBody: boolean): { text: string; bodyBytes: number } {
  const bodyBytes = Buffer.byteLength(body);
  let extra = '';
  for (const name in headers) extra += `${name}: ${headers[name]}\r\n`;
  return {
    text:
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: ${contentType}\r\n` +
      `content-length: ${bodyBytes}\r\ncache-control: no-store\r\n${extra}${close ? 'connection: close\r\n' : ''}\r\n${withBody ? body : ''}`,
    bodyBytes: withBody ? bodyBytes : 0,
  };
}
