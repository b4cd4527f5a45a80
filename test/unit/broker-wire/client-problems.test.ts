import { describe, expect, it } from 'vitest';
import type { BrokerEvent } from '../../../src/core/events/index.js';
import { ClientProblems, type ClientProblem } from '../../../src/broker/attribution/client-problems.js';
import { printable } from '../../../src/util/printable.js';
import { clientProblemText } from '../../../src/util/client-problem-text.js';

const problem: ClientProblem = { kind: 'unsupported-version', api: 'Fetch', version: 99, message: 'Fetch v99 is not served', hint: 'Pin the version.', closed: true };

function setup(options: { windowMs?: number; maxPerWindow?: number } = {}) {
  let now = 1000;
  const events: Extract<BrokerEvent, { type: 'broker.client.error' }>[] = [];
  const problems = new ClientProblems((e) => events.push(e as (typeof events)[number]), { ...options, now: () => now });
  return { problems, events, advance: (ms: number) => (now += ms) };
}

describe('client problems', () => {
  it('publishes one event per client and problem per window, then says how many were held back', () => {
    const { problems, events, advance } = setup({ windowMs: 30_000 });
    // a client that reconnects from a new port each second
    for (let i = 0; i < 25; i++) {
      problems.report({ remote: `127.0.0.1:${40000 + i}`, clientId: 'loop' }, problem);
      advance(1000);
    }
    expect(events).toHaveLength(1);
    advance(10_000);
    problems.report({ remote: '127.0.0.1:50000', clientId: 'loop' }, problem);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ clientId: 'loop', api: 'Fetch', version: 99, kind: 'unsupported-version', repeats: 24, closed: true });
    // another client, or another version, is another problem
    problems.report({ remote: '127.0.0.1:1', clientId: 'other' }, problem);
    problems.report({ remote: '127.0.0.1:1', clientId: 'loop' }, { ...problem, version: 98 });
    expect(events).toHaveLength(4);
  });

  it('caps distinct problems across all clients per window', () => {
    const { problems, events, advance } = setup({ windowMs: 10_000, maxPerWindow: 5 });
    for (let i = 0; i < 100; i++) problems.report({ remote: '127.0.0.1:1', clientId: `c${i}` }, problem);
    expect(events).toHaveLength(5);
    advance(10_000);
    problems.report({ remote: '127.0.0.1:1', clientId: 'c50' }, problem);
    expect(events).toHaveLength(6);
    expect(events[5]!.repeats).toBe(1);
  });

  it('escapes what a client sent before it reaches a terminal', () => {
    expect(printable('a\u001b[2J\u001b]0;pwned\u0007b\r\n\u009bc')).toBe('a\\x1b[2J\\x1b]0;pwned\\x07b\\r\\n\\x9bc');
    expect(printable('plain café ✓')).toBe('plain café ✓');
    const text = clientProblemText({
      type: 'broker.client.error',
      remote: '127.0.0.1:5555',
      clientId: 'evil\u001b[31m',
      kind: 'refused',
      api: 'Produce',
      version: 7,
      message: 'produce to "t\u001b[0m" refused',
      hint: 'Do this.',
      closed: false,
      service: 'order',
      instance: 1,
      repeats: 3,
      ts: 0,
    });
    expect(text).toBe('client "evil\\x1b[31m" (127.0.0.1:5555, service order.1): produce to "t\\x1b[0m" refused (3 more like it held back). Do this.');
    expect(text).not.toContain('\u001b');
  });
});
