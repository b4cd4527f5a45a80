import type { EventOf } from '../../core/events/index.js';
import type { IncomingMessage } from 'node:http';
import { http } from '../node-http.js';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { addForwarded, endToEndHeaders } from './headers.js';
import type { ForwardOptions, ProxyTarget, UpgradeResult } from './types.js';
import { WsFrameParser, type WsFrameObserver } from './ws-frames.js';
import { NEVER_CONNECTED } from '../connect-errors.js';

/** What `proxyUpgrade` accepts beyond ForwardOptions. */
export interface UpgradeOptions extends ForwardOptions {
  /** sees frames on demand (its `begin` decides per frame); absent: frames are only counted */
  frames?: WsFrameObserver;
}

/**
 * A WebSocket connection's totals when it closed. `in` is client to upstream, `out` the
 * reverse. Frames are data frames (text, binary, continuation); messages are complete
 * data messages; control frames count in neither. `code` is the status code of the first
 * close frame seen either way (1005 when it carried none), null when no close frame
 * passed (the connection dropped) or the stream was not WebSocket. Frame figures stop at
 * the first undecodable byte of a direction (`framesValid` false) but bytes never do.
 */
export interface WsTotals {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
  messagesIn: number;
  messagesOut: number;
  /** payload bytes of data frames */
  dataBytesIn: number;
  dataBytesOut: number;
  code: number | null;
  framesValid: boolean;
}

/** UpgradeResult whose `closed` carries frame accounting (assignable to UpgradeResult). */
export type WsUpgradeResult = Exclude<UpgradeResult, { kind: 'upgraded' }> | { kind: 'upgraded'; closed: Promise<WsTotals> };

/** Serialises a status line and headers the way they go on the wire. */
function head(status: number, message: string, rawHeaders: readonly string[]): string {
  let out = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return out + '\r\n';
}

/**
 * Proxies a WebSocket (any HTTP/1.1 upgrade) handshake to `target`, then pipes the raw
 * sockets both ways. Whatever the two ends say passes through unchanged; for a WebSocket
 * upgrade the frame headers are read as they pass (ws-frames.ts) to count frames and find
 * the close code. Errors on either side close both sockets; nothing throws.
 */
export function proxyUpgrade(
  req: IncomingMessage,
  clientSocket: Duplex,
  clientHead: Buffer,
  target: ProxyTarget,
  options: UpgradeOptions = {},
): Promise<WsUpgradeResult> {
  return new Promise<WsUpgradeResult>((resolve) => {
    const headers = endToEndHeaders(req.headers, true);
    if (options.forwarded !== false) addForwarded(headers, req);
    if (options.headers) Object.assign(headers, options.headers);

    let settled = false;
    let connected = false;
    const settle = (result: WsUpgradeResult) => {
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
      let code: number | null = null;
      const onClose = (c: number) => (code ??= c);
      // Other protocols (h2c, ...) are piped and counted in bytes only.
      const websocket = upRes.statusCode === 101 && /^websocket$/i.test(req.headers.upgrade ?? '');
      const frames = options.frames;
      const fromClient = websocket ? new WsFrameParser({ direction: 'in', masked: true, onClose, ...(frames ? { observer: frames } : {}) }) : undefined;
      const fromUpstream = websocket ? new WsFrameParser({ direction: 'out', masked: false, onClose, ...(frames ? { observer: frames } : {}) }) : undefined;
      const closed = new Promise<WsTotals>((done) => {
        let open = 2;
        const onSocketClose = () => {
          upSocket.destroy();
          clientSocket.destroy();
          if (--open === 0) {
            done({
              bytesIn,
              bytesOut,
              framesIn: fromClient?.frames ?? 0,
              framesOut: fromUpstream?.frames ?? 0,
              messagesIn: fromClient?.messages ?? 0,
              messagesOut: fromUpstream?.messages ?? 0,
              dataBytesIn: fromClient?.dataBytes ?? 0,
              dataBytesOut: fromUpstream?.dataBytes ?? 0,
              code,
              framesValid: websocket && fromClient?.failure === null && fromUpstream?.failure === null,
            });
          }
        };
        upSocket.once('close', onSocketClose);
        clientSocket.once('close', onSocketClose);
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
        fromUpstream?.push(upHead);
        clientSocket.write(upHead);
      }
      if (clientHead.length > 0) {
        bytesIn += clientHead.length;
        fromClient?.push(clientHead);
        upSocket.write(clientHead);
      }
      // One listener per direction beside the pipe: it sees each chunk, keeps none.
      if (fromClient && fromUpstream) {
        clientSocket.on('data', (chunk: Buffer) => {
          bytesIn += chunk.length;
          fromClient.push(chunk);
        });
        upSocket.on('data', (chunk: Buffer) => {
          bytesOut += chunk.length;
          fromUpstream.push(chunk);
        });
      } else {
        clientSocket.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
        upSocket.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
      }
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

/** The `ws.closed` event for a proxied WebSocket's totals (the gateway and the mesh report alike). */
export function wsClosedEvent(id: string, t: WsTotals, extra: { framesDropped?: number } = {}): EventOf<'ws.closed'> {
  return {
    type: 'ws.closed',
    id,
    framesIn: t.framesIn,
    framesOut: t.framesOut,
    bytesIn: t.bytesIn,
    bytesOut: t.bytesOut,
    code: t.code,
    messagesIn: t.messagesIn,
    messagesOut: t.messagesOut,
    ...(extra.framesDropped ? { framesDropped: extra.framesDropped } : {}),
    ts: Date.now(),
  };
}
