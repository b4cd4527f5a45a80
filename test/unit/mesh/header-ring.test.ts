import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HeaderRing } from '../../../src/mesh/index.js';

// What the ring reads of a request and a response: node's own raw header list and serialised head.
const req = (rawHeaders: string[]) => ({ rawHeaders }) as unknown as IncomingMessage;
const res = (head: string | null) => ({ _header: head }) as unknown as ServerResponse;

describe('HeaderRing', () => {
  it('answers one call by id: request pairs in order, the status line and response pairs, credentials redacted', () => {
    const ring = new HeaderRing(4);
    ring.keep('a', req(['Host', 'x', 'Authorization', 'Bearer t', 'X-Api-Key', 'k', 'Accept', '*/*']), res('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: s=1\r\nSet-Cookie: t=2\r\n\r\n'));
    expect(ring.get('a')).toEqual({
      id: 'a',
      request: [['Host', 'x'], ['Authorization', '[redacted]'], ['X-Api-Key', '[redacted]'], ['Accept', '*/*']],
      response: { statusLine: 'HTTP/1.1 201 Created', headers: [['Content-Type', 'application/json'], ['Set-Cookie', '[redacted]'], ['Set-Cookie', '[redacted]']] },
    });
  });

  it("the lean path's: the request's and the answer's heads as read", () => {
    const ring = new HeaderRing(4);
    ring.keepHead('m1', 'GET /a HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nCookie: a=b\r\nX-Trace-Me: yes', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Session-Id: s1');
    ring.keepHead('m2', 'GET /b HTTP/1.1\r\nAccept: */*', undefined);
    expect(ring.get('m1')).toEqual({
      id: 'm1',
      request: [['Host', '127.0.0.1:9000'], ['Cookie', '[redacted]'], ['X-Trace-Me', 'yes']],
      response: { statusLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '2'], ['X-Session-Id', '[redacted]']] },
    });
    expect(ring.get('m2')).toEqual({ id: 'm2', request: [['Accept', '*/*']], response: null });
  });

  it('a call that got no answer has no response; an unknown or evicted id gives null', () => {
    const ring = new HeaderRing(3);
    ring.keep('c0', req([]), res(null));
    expect(ring.get('c0')).toEqual({ id: 'c0', request: [], response: null });
    for (let i = 1; i <= 3; i++) ring.keep(`c${i}`, req(['n', String(i)]), res(null));
    expect(ring.get('c0')).toBeNull();
    expect(ring.get('c1')?.request).toEqual([['n', '1']]);
    expect(ring.get('c3')?.request).toEqual([['n', '3']]);
    expect(ring.get('nope')).toBeNull();
  });
});
