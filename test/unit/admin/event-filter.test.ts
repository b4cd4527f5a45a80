import { describe, expect, test } from 'vitest';
import { EventMatcher, parseEventFilter } from '../../../src/admin/event-filter.js';
import { AdminHttpError } from '../../../src/admin/http-json.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';

const at = (ts: number, service = 'order'): DevmodeEvent => ({ type: 'log', ref: { service, instance: 0 }, stream: 'stdout', line: String(ts), ts });

describe('parseEventFilter', () => {
  test('reads repeated and comma-separated values', () => {
    const f = parseEventFilter(new URLSearchParams('type=log,broker.&type=http.exchange&service=user&service=order,'));
    expect(f).toEqual({ types: ['log', 'broker.', 'http.exchange'], services: ['user', 'order'], since: null });
  });

  test('since: a duration back from now, epoch ms or an ISO date; anything else is a 400', () => {
    const now = 1_700_000_000_000;
    expect(parseEventFilter(new URLSearchParams('since=30s'), now).since).toBe(now - 30_000);
    expect(parseEventFilter(new URLSearchParams('since=1700000000000'), now).since).toBe(now);
    expect(parseEventFilter(new URLSearchParams('since=2023-11-14T22:13:20Z'), now).since).toBe(now);
    expect(() => parseEventFilter(new URLSearchParams('since=later'))).toThrow(AdminHttpError);
  });
});

describe('EventMatcher', () => {
  test('type prefixes and exact types', () => {
    const m = new EventMatcher({ types: ['broker.', 'log'], services: [], since: null });
    expect(m.matches({ type: 'broker.stopped', ts: 0 })).toBe(true);
    expect(m.matches(at(1))).toBe(true);
    expect(m.matches({ type: 'system.stopping', reason: 'x', ts: 0 })).toBe(false);
  });

  test('service matches instances, reloads, either end of a call, and the close of a matched WebSocket', () => {
    const m = new EventMatcher({ types: [], services: ['user'], since: null });
    expect(m.matches(at(1, 'user'))).toBe(true);
    expect(m.matches(at(1, 'order'))).toBe(false);
    expect(m.matches({ type: 'reload.finished', service: 'user', ms: 5, ts: 0 })).toBe(true);
    const ends = (caller: string, callee: string) => ({ caller: { service: caller, instance: 0 }, callee: { service: callee, instance: null } });
    expect(m.matches({ type: 'http.exchange', id: '1', ...ends('user', 'order'), method: 'GET', path: '/', status: 200, durationMs: 1, requestBytes: 0, responseBytes: 0, ts: 0 })).toBe(true);
    expect(m.matches({ type: 'ws.opened', id: 'a', ...ends('shipping', 'user'), path: '/', ts: 0 })).toBe(true);
    expect(m.matches({ type: 'ws.opened', id: 'b', ...ends('shipping', 'order'), path: '/', ts: 0 })).toBe(false);
    const closed = (id: string): DevmodeEvent => ({ type: 'ws.closed', id, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, code: null, ts: 0 });
    expect(m.matches(closed('b'))).toBe(false);
    expect(m.matches(closed('a'))).toBe(true);
    expect(m.matches(closed('a'))).toBe(false);
    expect(m.matches({ type: 'broker.stopped', ts: 0 })).toBe(false);
  });
});
