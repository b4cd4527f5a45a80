/**
 * The lean path's readers: where a chunked body ends whatever pieces it arrives in, which
 * request heads it takes and which it leaves to node:http, and how a response's body ends.
 */
import { describe, expect, it } from 'vitest';
import { ChunkedEnd } from '../../../src/net/lean/chunked.js';
import { headEnd, readRequestHead, readResponseHead } from '../../../src/net/lean/head.js';

const CHUNKED = '5\r\nhello\r\n1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nx-trailer: 1\r\n\r\n';

describe('ChunkedEnd', () => {
  it('finds the end of a chunked body (extensions, trailers) split at every possible point', () => {
    const bytes = Buffer.from(CHUNKED + 'NEXT', 'latin1');
    const end = CHUNKED.length;
    expect(new ChunkedEnd().feed(bytes)).toBe(end);
    for (let cut = 1; cut < end; cut++) {
      const scan = new ChunkedEnd();
      expect(scan.feed(bytes.subarray(0, cut))).toBe(-1);
      expect(scan.feed(bytes.subarray(cut))).toBe(end - cut);
    }
    // byte by byte
    const scan = new ChunkedEnd();
    let at = -1;
    for (let i = 0; i < bytes.length && at < 0; i++) at = scan.feed(bytes.subarray(i, i + 1)) >= 0 ? i : -1;
    expect(at).toBe(end - 1);
  });

  it('reports broken framing', () => {
    expect(new ChunkedEnd().feed(Buffer.from('zz\r\n'))).toBe(-2);
    expect(new ChunkedEnd().feed(Buffer.from('3\r\nabcX'))).toBe(-2);
    expect(new ChunkedEnd().feed(Buffer.from('1234567890abc\r\n'))).toBe(-2);
  });
});

describe('request heads', () => {
  const head = (text: string) => {
    const buffer = Buffer.from(text, 'latin1');
    return readRequestHead(buffer, headEnd(buffer));
  };

  it('reads method, target, length, close and traceparent, and keeps the other lines verbatim', () => {
    const h = head('POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nTraceparent: 00-abc\r\nConnection: close\r\nX-A: 1\r\n\r\n');
    expect(h).toMatchObject({ method: 'POST', target: '/a?b=1', contentLength: 12, close: true, traceparent: '00-abc', unusual: undefined });
    expect(h.lines).toEqual(['Host: x', 'Content-Length: 12', 'Connection: close', 'X-A: 1']);
  });

  it('leaves to node:http what it does not read itself', () => {
    for (const [text, why] of [
      ['GET / HTTP/1.0\r\n\r\n', 'version HTTP/1.0'],
      ['GET http://x/ HTTP/1.1\r\n\r\n', 'target not in origin form'],
      ['CONNECT x:443 HTTP/1.1\r\n\r\n', 'target not in origin form'],
      ['GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n', 'transfer-encoding'],
      ['GET / HTTP/1.1\r\nupgrade: websocket\r\n\r\n', 'upgrade'],
      ['GET / HTTP/1.1\r\nexpect: 100-continue\r\n\r\n', 'expect'],
      ['GET / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 1\r\n\r\n', 'content-length'],
      ['GET / HTTP/1.1\r\ncontent-length: -1\r\n\r\n', 'content-length'],
      ['GET / HTTP/1.1\r\nx : y\r\n\r\n', 'header line'],
      ['GET / HTTP/1.1\r\n folded\r\n\r\n', 'header line'],
      ['GET / HTTP/1.1\r\nconnection: upgrade\r\n\r\n', 'connection options'],
      ['G(T / HTTP/1.1\r\n\r\n', 'method'],
    ] as const) {
      expect(head(text).unusual, text).toBe(why);
    }
  });
});

describe('response heads', () => {
  const read = (text: string, bodyless = false) => {
    const buffer = Buffer.from(text, 'latin1');
    return readResponseHead(buffer, headEnd(buffer), bodyless);
  };

  it('tells how the body ends', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n')).toMatchObject({ status: 200, framing: { kind: 'length', length: 5 }, close: false });
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')).toMatchObject({ framing: { kind: 'chunked' }, close: false });
    expect(read('HTTP/1.1 200 OK\r\n\r\n')).toMatchObject({ framing: { kind: 'close' }, close: true });
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', true)).toMatchObject({ framing: { kind: 'none' } });
    expect(read('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n')).toMatchObject({ framing: { kind: 'none' } });
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')).toMatchObject({ framing: { kind: 'none' }, close: true });
    expect(read('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n')).toMatchObject({ close: true });
    expect(read('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n')).toMatchObject({ close: false });
  });

  it('refuses what is not an HTTP/1.x answer head', () => {
    expect(read('SMTP ready\r\n\r\n')).toBeNull();
    expect(read('HTTP/1.1 2x0 OK\r\n\r\n')).toBeNull();
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n')).toBeNull();
    expect(read('HTTP/1.1 200 OK\r\nno colon\r\n\r\n')).toBeNull();
  });
});
