/**
 * Message heads of HTTP/1.1 as the lean path reads them (RFC 9112). It reads only what
 * framing and routing need (method, target, version, length, chunked, close, upgrade,
 * expect, traceparent) and copies every other header line verbatim. Anything unusual is
 * reported as `unusual` rather than judged: the caller hands such a request to node:http,
 * whose parser answers malformed input as Node services expect (400, 431, ...).
 */

/** Larger heads go to node:http, which answers 431 as devmode always did. */
export const MAX_HEAD_BYTES = 16 * 1024;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** Where a head ends (the index after its blank line) in `buffer`, or -1. */
export function headEnd(buffer: Buffer, from = 0): number {
  const at = buffer.indexOf(CRLFCRLF, from);
  return at < 0 ? -1 : at + 4;
}

export interface RequestHead {
  method: string;
  /** origin-form target: path and query */
  target: string;
  /** bytes of the head, blank line included */
  size: number;
  /** Content-Length, 0 when absent */
  contentLength: number;
  /** Connection: close (or HTTP/1.0 without keep-alive): the connection ends after this exchange */
  close: boolean;
  /** the caller's traceparent header, if any */
  traceparent: string | undefined;
  /** Host and Accept, for the gateway (X-Forwarded-Host; HTML or JSON for its own answers) */
  host: string | undefined;
  accept: string | undefined;
  /** an X-Forwarded-* header came with it (the gateway leaves appending to node:http) */
  forwarded: boolean;
  /** the header lines to forward (traceparent left out: the hop sets its own) */
  lines: string[];
  /** the head as read, blank line left out (kept by reference for a view that asks, GET /calls/:id) */
  text: string;
  /**
   * Why node:http must serve this request (upgrade, expect, a chunked or odd body, an
   * unusual or malformed head); undefined when the lean path can.
   */
  unusual: string | undefined;
}

/** Reads a request head of `size` bytes at the start of `buffer`. */
export function readRequestHead(buffer: Buffer, size: number): RequestHead {
  const text = buffer.toString('latin1', 0, size - 4);
  const lines = text.split('\r\n');
  const start = lines[0]!;
  const sp1 = start.indexOf(' ');
  const sp2 = start.indexOf(' ', sp1 + 1);
  const method = sp1 > 0 ? start.slice(0, sp1) : '';
  const target = sp2 > sp1 ? start.slice(sp1 + 1, sp2) : '';
  const version = sp2 > 0 ? start.slice(sp2 + 1) : '';
  const head: RequestHead = {
    method,
    target,
    size,
    contentLength: 0,
    close: false,
    traceparent: undefined,
    host: undefined,
    accept: undefined,
    forwarded: false,
    lines: [],
    text,
    unusual: undefined,
  };
  if (version !== 'HTTP/1.1') return unusual(head, `version ${version}`);
  if (target.charCodeAt(0) !== 47 /* / */) return unusual(head, 'target not in origin form');
  if (!TOKEN.test(method) || method === 'CONNECT') return unusual(head, 'method');
  let lengthSeen = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    // No obs-fold, no stray CR or LF, no space before the colon (RFC 9112 §5.1).
    if (colon <= 0 || line.includes('\n') || line.includes('\r') || line.charCodeAt(colon - 1) === 32) return unusual(head, 'header line');
    const name = line.slice(0, colon).toLowerCase();
    switch (name) {
      case 'content-length': {
        const value = line.slice(colon + 1).trim();
        if (!DIGITS.test(value) || lengthSeen) return unusual(head, 'content-length');
        lengthSeen = true;
        head.contentLength = Number(value);
        break;
      }
      case 'transfer-encoding':
      case 'upgrade':
      case 'expect':
      case 'te':
        return unusual(head, name);
      case 'connection': {
        const value = line.slice(colon + 1).trim().toLowerCase();
        if (value === 'close') head.close = true;
        else if (value !== 'keep-alive') return unusual(head, 'connection options');
        break;
      }
      case 'traceparent':
        if (head.traceparent !== undefined) return unusual(head, 'traceparent');
        head.traceparent = line.slice(colon + 1).trim();
        continue;
      case 'host':
        head.host = line.slice(colon + 1).trim();
        break;
      case 'accept':
        head.accept = line.slice(colon + 1).trim();
        break;
      default:
        if (name.startsWith('x-forwarded-')) head.forwarded = true;
    }
    head.lines.push(line);
  }
  return head;
}

function unusual(head: RequestHead, why: string): RequestHead {
  head.unusual = why;
  return head;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^[0-9]{1,15}$/;

/** How a response's body is delimited. */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  /** until the upstream closes the connection */
  | { kind: 'close' };

export interface ResponseHead {
  status: number;
  size: number;
  /** the head as read, blank line left out (the string parsing made: kept by reference for a view that asks, GET /calls/:id) */
  text: string;
  framing: BodyFraming;
  /** the upstream closes (or may close) the connection after this response */
  close: boolean;
}

/**
 * Reads a response head of `size` bytes at the start of `buffer`; null when it is not a
 * well-formed HTTP/1.x response head (the exchange then fails as a bad gateway).
 * `bodyless`: the request was HEAD (a response to it has no body whatever it says).
 */
export function readResponseHead(buffer: Buffer, size: number, bodyless: boolean): ResponseHead | null {
  const text = buffer.toString('latin1', 0, size - 4);
  if (!text.startsWith('HTTP/1.') || text.charCodeAt(8) !== 32) return null;
  const http10 = text.charCodeAt(7) === 48; /* 0 */
  const status = Number(text.slice(9, 12));
  if (!Number.isInteger(status) || status < 100 || status > 999) return null;
  let length = -1;
  let chunked = false;
  let close = http10;
  let from = text.indexOf('\r\n');
  while (from >= 0) {
    const next = text.indexOf('\r\n', from + 2);
    const line = text.slice(from + 2, next < 0 ? text.length : next);
    from = next;
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    // Only three names matter here: check their first letter before lower-casing.
    const first = line.charCodeAt(0) | 0x20;
    if (first !== 99 /* c */ && first !== 116 /* t */) continue;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'content-length') {
      const value = line.slice(colon + 1).trim();
      if (!DIGITS.test(value) || (length >= 0 && Number(value) !== length)) return null;
      length = Number(value);
    } else if (name === 'transfer-encoding') {
      chunked = /(?:^|,)\s*chunked\s*$/i.test(line.slice(colon + 1));
      if (!chunked) close = true;
    } else if (name === 'connection') {
      const value = line.slice(colon + 1).toLowerCase();
      if (value.includes('close')) close = true;
      else if (http10 && value.includes('keep-alive')) close = false;
    }
  }
  let framing: BodyFraming;
  if (bodyless || status < 200 || status === 204 || status === 304) framing = { kind: 'none' };
  else if (chunked) framing = { kind: 'chunked' };
  else if (length >= 0) framing = length === 0 ? { kind: 'none' } : { kind: 'length', length };
  else framing = { kind: 'close' };
  if (framing.kind === 'close') close = true;
  return { status, size, text, framing, close };
}
