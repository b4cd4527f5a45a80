import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { addForwarded, endToEndHeaders } from './headers.js';
import type { ForwardOptions, ProxyTarget, UpgradeResult } from './types.js';

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL', 'EAI_AGAIN']);

/** Serialises a status line and headers the way they go on the wire. */
function head(status: number, message: string, rawHeaders: readonly string[]): string {
  let out = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return out + '\r\n';
}

/**
 * Proxies a WebSocket (any HTTP/1.1 upgrade) handshake to `target`, then pipes the raw
 * sockets both ways. Frames are not parsed: whatever the two ends say passes through.
 * Errors on either side close both sockets; nothing throws.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  clientSocket: Duplex,
  clientHead: Buffer,
  target: ProxyTarget,
  options: ForwardOptions = {},
): Promise<UpgradeResult> {
  return new Promise<UpgradeResult>((resolve) => {
    const headers = endToEndHeaders(req.headers, true);
    if (options.forwarded !== false) addForwarded(headers, req);
    if (options.headers) Object.assign(headers, options.headers);

    let settled = false;
    let connected = false;
    const settle = (result: UpgradeResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    // Until the upstream answers, a client error just abandons the attempt.
    const onEarlyClientError = () => upstream.destroy();
    clientSocket.on('error', onEarlyClientError);

    // A dedicated connection (agent: false): an upgraded socket leaves any pool anyway.
    const upstream = http.request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: options.path ?? req.url,
      headers,
      agent: false,
    });
    upstream.on('socket', (socket: Socket) => socket.once('connect', () => (connected = true)));

    upstream.on('upgrade', (upRes: IncomingMessage, upSocket: Socket, upHead: Buffer) => {
      clientSocket.off('error', onEarlyClientError);
      if (clientSocket.destroyed) {
        upSocket.destroy();
        settle({ kind: 'failed', error: new Error('client went away during the handshake'), code: 'ECONNRESET', retryable: false });
        return;
      }
      let bytesIn = 0;
      let bytesOut = 0;
      const closed = new Promise<{ bytesIn: number; bytesOut: number }>((done) => {
        let open = 2;
        const onClose = () => {
          upSocket.destroy();
          clientSocket.destroy();
          if (--open === 0) done({ bytesIn, bytesOut });
        };
        upSocket.once('close', onClose);
        clientSocket.once('close', onClose);
      });
      // Errors end both sockets through 'close'; listening stops them from crashing us.
      upSocket.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upSocket.destroy());
      upSocket.setNoDelay(true);
      (clientSocket as Socket).setNoDelay?.(true);
      (clientSocket as Socket).setTimeout?.(0);
      clientSocket.write(head(upRes.statusCode ?? 101, upRes.statusMessage ?? 'Switching Protocols', upRes.rawHeaders));
      if (upHead.length > 0) {
        bytesOut += upHead.length;
        clientSocket.write(upHead);
      }
      if (clientHead.length > 0) {
        bytesIn += clientHead.length;
        upSocket.write(clientHead);
      }
      clientSocket.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
      upSocket.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
      clientSocket.pipe(upSocket);
      upSocket.pipe(clientSocket);
      settle({ kind: 'upgraded', closed });
    });

    // The upstream declined the upgrade: relay its answer and close.
    upstream.on('response', (upRes: IncomingMessage) => {
      clientSocket.off('error', onEarlyClientError);
      clientSocket.on('error', () => upRes.destroy());
      const status = upRes.statusCode ?? 502;
      // Without a length the body ends when the connection does.
      clientSocket.write(head(status, upRes.statusMessage ?? '', [...stripFraming(upRes.rawHeaders), 'Connection', 'close']));
      upRes.pipe(clientSocket);
      upRes.on('end', () => settle({ kind: 'response', status }));
      upRes.on('error', () => {
        clientSocket.destroy();
        settle({ kind: 'response', status });
      });
    });

    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      settle({ kind: 'failed', error, code, retryable: !connected && NEVER_CONNECTED.has(code ?? '') });
    });
    upstream.end();
  });
}

/** Raw header pairs without the ones that describe the old connection's framing. */
function stripFraming(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (/^(connection|transfer-encoding|keep-alive)$/i.test(name)) continue;
    out.push(name, raw[i + 1] ?? '');
  }
  return out;
}
