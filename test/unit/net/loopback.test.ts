import { describe, expect, it } from 'vitest';
import { INSTANCES_PER_BLOCK, LoopbackPlan, loopbackBlockRouted } from '../../../src/net/loopback.js';

describe('LoopbackPlan', () => {
  it('gives each caller instance its own address in 127/8, the same on every run, away from 127.0.x.x and 127.255.x.x', () => {
    const names = Array.from({ length: 300 }, (_, i) => `svc${i}`);
    const plan = new LoopbackPlan('shop');
    const seen = new Set<string>();
    for (const name of names) {
      for (let i = 0; i < 3; i++) {
        const address = plan.address(name, i);
        expect(address).toMatch(/^127\.(\d+)\.(\d+)\.(\d+)$/);
        const [, a, , d] = address.split('.').map(Number);
        expect(a).toBeGreaterThanOrEqual(1);
        expect(a).toBeLessThanOrEqual(254);
        expect(d).toBe(i + 1);
        expect(seen.has(address)).toBe(false);
        seen.add(address);
      }
    }
    const again = new LoopbackPlan('shop');
    for (const name of names) expect(again.address(name, 1)).toBe(plan.address(name, 1));
    expect(new LoopbackPlan('other').address('svc0', 0)).not.toBe(plan.address('svc0', 0));
  });

  it("keeps a caller's block, and refuses more instances than a block holds", () => {
    const plan = new LoopbackPlan('s');
    const first = plan.address('a', 0);
    expect(plan.address('a', 0)).toBe(first);
    expect(() => plan.address('a', INSTANCES_PER_BLOCK)).toThrow(/at most 250 instances/);
  });

  it('uses loopback addresses of their own on Linux only', () => {
    expect(loopbackBlockRouted('linux')).toBe(true);
    expect(loopbackBlockRouted('darwin')).toBe(false);
  });
});
