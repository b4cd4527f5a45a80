import { describe, expect, test } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, shouldRestart } from '../../../src/supervisor/backoff.js';

describe('Backoff', () => {
  test('doubles from 250 ms and stops growing at 30 s', () => {
    const backoff = new Backoff();
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      now += 1_000; // each run lasts a second: never long enough to reset
      delays.push(backoff.next(now, 1_000).delayMs);
    }
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  test('an instance that stayed up 10 s or more starts the sequence over', () => {
    const backoff = new Backoff();
    expect(backoff.next(1_000, 100).delayMs).toBe(250);
    expect(backoff.next(2_000, 100).delayMs).toBe(500);
    expect(backoff.next(30_000, 9_999).delayMs).toBe(1_000);
    expect(backoff.next(50_000, 10_000)).toEqual({ delayMs: 250, attempt: 1, crashLoop: false });
  });

  test('K restarts within the window is a crash loop; spread out, it is not', () => {
    const backoff = new Backoff({ crashLoopRestarts: 3, crashLoopWindowMs: 10_000 });
    expect([1_000, 2_000, 3_000, 4_000].map((t) => backoff.next(t, 100).crashLoop)).toEqual([false, false, true, true]);
    const spread = new Backoff({ crashLoopRestarts: 3, crashLoopWindowMs: 10_000 });
    expect([0, 6_000, 12_000, 18_000].map((t) => spread.next(t, 100).crashLoop)).toEqual([false, false, false, false]);
  });

  test('reset() forgets the history', () => {
    const backoff = new Backoff({ crashLoopRestarts: 2 });
    backoff.next(0, 0);
    backoff.next(1, 0);
    backoff.reset();
    expect(backoff.next(2, 0)).toEqual({ delayMs: DEFAULT_BACKOFF.initialMs, attempt: 1, crashLoop: false });
  });
});

describe('shouldRestart', () => {
  const cases = [
    ['always', { code: 0, signal: null, requested: false }, true],
    ['always', { code: 1, signal: null, requested: true }, false],
    ['on-failure', { code: 0, signal: null, requested: false }, false],
    ['on-failure', { code: 1, signal: null, requested: false }, true],
    ['on-failure', { code: null, signal: 'SIGSEGV', requested: false }, true],
    ['on-failure', { code: null, signal: null, requested: false }, true], // readiness timeout, spawn failure
    ['on-failure', { code: null, signal: 'SIGTERM', requested: true }, false],
    ['no', { code: 1, signal: null, requested: false }, false],
  ] as const;
  test.each(cases)('%s with %o -> %s', (policy, exit, expected) => {
    expect(shouldRestart(policy, exit)).toBe(expected);
  });
});
