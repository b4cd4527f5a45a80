import { describe, expect, test } from 'vitest';
import { FramePacer } from '../../../src/tui/state/frame-pacer.js';

/** A pacer on a hand-driven clock, whose process uses `share` of a core from now on. */
function rig(options: { minMs?: number; maxMs?: number; budget?: number } = {}) {
  let now = 0;
  let cpu = 0;
  let share = 0;
  const pacer = new FramePacer({ ...options, now: () => now, cpuMicros: () => cpu });
  return {
    pacer,
    load(s: number) {
      share = s;
    },
    /** advances time by the pacer's interval (the process using its share meanwhile); returns that interval */
    frame() {
      const wait = pacer.next();
      now += wait;
      cpu += wait * 1000 * share;
      return wait;
    },
    /** the intervals of the frames in `ms` of time */
    run(ms: number) {
      const waits: number[] = [];
      const end = now + ms;
      while (now < end) waits.push(this.frame());
      return waits;
    },
  };
}

describe('FramePacer', () => {
  test('about ten frames a second while the process is within its budget', () => {
    const r = rig();
    r.load(0.05);
    expect(new Set(r.run(5000))).toEqual(new Set([100]));
  });

  test('a process over budget draws less often, down to the longest interval, and comes back once the load is gone', () => {
    const r = rig({ minMs: 100, maxMs: 400, budget: 0.15 });
    r.load(0.5);
    const busy = r.run(5000);
    expect(busy.at(-1)).toBe(400);
    expect(Math.max(...busy)).toBe(400);
    r.load(0.02);
    const quiet = r.run(6000);
    expect(quiet.at(-1)).toBe(100);
    // step by step, not at once
    expect(quiet.some((w) => w > 100 && w < 400)).toBe(true);
  });

  test('between the two thresholds the interval holds (no flapping at the edge of the budget)', () => {
    const r = rig({ budget: 0.15 });
    r.load(0.3);
    r.run(2500);
    const held = r.frame();
    r.load(0.12); // under budget, above 60 % of it
    expect(new Set(r.run(4000))).toEqual(new Set([held]));
  });
});
