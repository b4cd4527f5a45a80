/**
 * Carrying out a fault decision (core/contracts.ts FaultDecision) on one HTTP exchange or
 * WebSocket upgrade. Shared by the mesh and the gateway, which decide through a
 * FaultDecider and then call these before forwarding.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { http } from './node-http.js';
import type { Duplex } from 'node:stream';
import type { FaultDecision } from '../core/contracts.js';

/** What became of the call. */
export type FaultOutcome =
  /** a delay was served: forward the call now */
  | { kind: 'continue' }
  /** devmode answered instead of the callee (status, or cut: 502 as for a refused connection) */
  | { kind: 'answered'; status: number; responseBytes: number }
  /** the connection was destroyed without a response */
  | { kind: 'aborted' }
  /** never answered: held until the client gave up or devmode stopped */
  | { kind: 'dropped' }
  /** the client went away (or devmode stopped) during a delay */
  | { kind: 'gone' };

/**
 * Applies a decision to an HTTP exchange. `signal` aborts when the client's connection
 * closes or devmode stops (it ends delays and drops). `callee` names the service in bodies.
 */
export async function applyHttpFault(decision: FaultDecision, req: IncomingMessage, res: ServerResponse, signal: AbortSignal, callee: string): Promise<FaultOutcome> {
  switch (decision.kind) {
    case 'delay':
      return (await sleep(decision.ms, signal)) && !res.destroyed ? { kind: 'continue' } : { kind: 'gone' };
    case 'status': {
      const { type, text } = statusBody(decision, callee);
      res.writeHead(decision.status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'x-devmode-fault': decision.rule });
      res.end(req.method === 'HEAD' ? undefined : text);
      return { kind: 'answered', status: decision.status, responseBytes: Buffer.byteLength(text) };
    }
    case 'cut': {
      const text = JSON.stringify(cutBody(decision, callee)) + '\n';
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-devmode-fault': decision.rule });
      res.end(text);
      return { kind: 'answered', status: 502, responseBytes: Buffer.byteLength(text) };
    }
    case 'abort':
      res.destroy();
      return { kind: 'aborted' };
    case 'drop':
      await sleep(Infinity, signal);
      res.destroy();
      return { kind: 'dropped' };
  }
}

/** Applies a decision to a WebSocket upgrade request (the raw client socket). */
export async function applyUpgradeFault(decision: FaultDecision, socket: Duplex, signal: AbortSignal, callee: string): Promise<FaultOutcome> {
  switch (decision.kind) {
    case 'delay':
      return (await sleep(decision.ms, signal)) && !socket.destroyed ? { kind: 'continue' } : { kind: 'gone' };
    case 'status':
    case 'cut': {
      const status = decision.kind === 'status' ? decision.status : 502;
      const { type, text } = decision.kind === 'status' ? statusBody(decision, callee) : { type: 'application/json', text: JSON.stringify(cutBody(decision, callee)) + '\n' };
      if (!socket.writable) {
        socket.destroy();
        return { kind: 'aborted' };
      }
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(text)}\r\nx-devmode-fault: ${decision.rule}\r\nconnection: close\r\n\r\n${text}`,
      );
      return { kind: 'answered', status, responseBytes: Buffer.byteLength(text) };
    }
    case 'abort':
      socket.destroy();
      return { kind: 'aborted' };
    case 'drop':
      await sleep(Infinity, signal);
      socket.destroy();
      return { kind: 'dropped' };
  }
}

/** The body of a status fault: the rule's own (JSON when it parses, else text), or JSON naming the fault. */
function statusBody(decision: Extract<FaultDecision, { kind: 'status' }>, callee: string): { type: string; text: string } {
  if (decision.body !== null) {
    let json = false;
    try {
      JSON.parse(decision.body);
      json = true;
    } catch {
      // plain text
    }
    return { type: json ? 'application/json' : 'text/plain; charset=utf-8', text: decision.body };
  }
  const body = { error: `fault '${decision.rule}' answered ${decision.status} instead of service '${callee}'`, fault: decision.rule, service: callee };
  return { type: 'application/json', text: JSON.stringify(body) + '\n' };
}

function cutBody(decision: FaultDecision, callee: string): object {
  return { error: `service '${callee}' is unavailable`, service: callee, reason: `cut off by fault '${decision.rule}' (connection refused)`, fault: decision.rule };
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => done(true), ms) : undefined;
    const onAbort = () => done(false);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
