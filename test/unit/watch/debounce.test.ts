import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Debouncer, type Burst } from '../../../src/watch/debounce.js';

describe('Debouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function make(options = { quietMs: 50, maxWaitMs: 300 }) {
    const bursts: Burst[] = [];
    const debouncer = new Debouncer((b) => bursts.push(b), { ...options, now: () => Date.now() });
    return { bursts, debouncer };
  }

  it('flushes one burst after the quiet period, naming the first file and counting distinct files', () => {
    const { bursts, debouncer } = make();
    debouncer.add('a.mjs');
    vi.advanceTimersByTime(20);
    debouncer.add('b.mjs');
    debouncer.add('a.mjs');
    vi.advanceTimersByTime(49);
    expect(bursts).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ trigger: 'a.mjs', files: 2 });
    expect(debouncer.pending).toBe(false);
  });

  it('flushes at the max wait while changes keep coming, then starts a new burst', () => {
    const { bursts, debouncer } = make();
    for (let t = 0; t < 400; t += 10) {
      debouncer.add(`f${t}.txt`);
      vi.advanceTimersByTime(10);
    }
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ trigger: 'f0.txt', files: 30 });
    vi.advanceTimersByTime(50);
    expect(bursts).toHaveLength(2);
    expect(bursts[1]).toMatchObject({ trigger: 'f300.txt', files: 10 });
  });

  it('cancel drops the burst', () => {
    const { bursts, debouncer } = make();
    debouncer.add('a');
    debouncer.cancel();
    vi.advanceTimersByTime(1000);
    expect(bursts).toEqual([]);
  });
});
