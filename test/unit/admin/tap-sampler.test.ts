import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AdminHttpError } from '../../../src/admin/http-json.js';
import { parseMaxRps, TapSampler } from '../../../src/admin/tap-sampler.js';
import type { DevmodeEvent, EventOf } from '../../../src/core/events/index.js';

let n = 0;
function exchange(o: Partial<EventOf<'http.exchange'>> = {}, traceId = randomBytes(16).toString('hex')): EventOf<'http.exchange'> {
  n++;
  return {
    type: 'http.exchange',
    id: `x${n}`,
    caller: { service: 'gateway', instance: null },
    callee: { service: 'order', instance: 0 },
    method: 'GET',
    path: '/orders',
    status: 200,
    durationMs: 1,
    requestBytes: 0,
    responseBytes: 0,
    traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    ts: 0,
    ...o,
  };
}

/** `perSecond` exchanges a second for `seconds` seconds, evenly spread, on a made-up clock; kept per second. */
function drive(sampler: TapSampler, perSecond: number, seconds: number, start = 0, make: () => DevmodeEvent = () => exchange()): number[] {
  const kept: number[] = [];
  for (let s = 0; s < seconds; s++) {
    let k = 0;
    for (let i = 0; i < perSecond; i++) if (sampler.keep(make(), start + s * 1000 + (i * 1000) / perSecond)) k++;
    kept.push(k);
  }
  return kept;
}

describe('TapSampler (GET /events?max-rps=N)', () => {
  it('at a steady rate well above N keeps about N calls a second, and reports how many it skipped', () => {
    const sampler = new TapSampler(100, 0);
    const kept = drive(sampler, 2000, 6);
    // the first second knows no rate yet: everything passes
    expect(kept[0]).toBe(2000);
    for (const k of kept.slice(1)) {
      expect(k).toBeGreaterThan(100 / 3);
      expect(k).toBeLessThan(300);
    }
    const report = sampler.report(6000);
    const keptLater = kept.slice(1).reduce((a, b) => a + b, 0);
    expect(report).toMatchObject({ type: 'admin.sampled', skipped: 5 * 2000 - keptLater, maxRps: 100, ts: 6000 });
    // reported once: the next report has nothing new
    expect(sampler.report(6100)).toBeNull();
  });

  it('below N keeps every call and reports nothing', () => {
    const sampler = new TapSampler(500, 0);
    expect(drive(sampler, 300, 4)).toEqual([300, 300, 300, 300]);
    expect(sampler.report(4000)).toBeNull();
  });

  it('keeps every failed call: status 0 and 5xx, answered by devmode, changed by a fault', () => {
    const sampler = new TapSampler(10, 0);
    drive(sampler, 5000, 1); // the next second's fraction: 10 / 5000
    const failures = [exchange({ status: 0 }), exchange({ status: 503 }), exchange({ status: 502, error: 'connection refused' }), exchange({ status: 200, fault: 'slow: delay 100 ms' }), exchange({ status: 404, error: 'no route' })];
    let t = 1000;
    for (let round = 0; round < 200; round++) for (const f of failures) expect(sampler.keep(f, (t += 1))).toBe(true);
    // successes at the same time are mostly skipped
    let kept = 0;
    for (let i = 0; i < 1000; i++) if (sampler.keep(exchange(), 1500)) kept++;
    expect(kept).toBeLessThan(100);
  });

  it('keeps or skips a whole trace: every call with the same trace id has the same fate', () => {
    const sampler = new TapSampler(50, 0);
    drive(sampler, 1000, 1);
    const traces = Array.from({ length: 200 }, () => randomBytes(16).toString('hex'));
    const fates = new Map<string, Set<boolean>>();
    let t = 1000;
    for (let hop = 0; hop < 4; hop++) {
      for (const id of traces) {
        const kept = sampler.keep(exchange({ path: `/hop/${hop}` }, id), (t += 1));
        (fates.get(id) ?? fates.set(id, new Set()).get(id)!).add(kept);
      }
    }
    for (const set of fates.values()) expect(set.size).toBe(1);
    const keptTraces = [...fates.values()].filter((f) => f.has(true)).length;
    // a fraction of 50/1000: some traces kept, most not
    expect(keptTraces).toBeGreaterThan(0);
    expect(keptTraces).toBeLessThan(100);
  });

  it('a call without a traceparent is judged by its id: the same id, the same fate', () => {
    const sampler = new TapSampler(10, 0);
    drive(sampler, 1000, 1);
    const fates = Array.from({ length: 300 }, (_, i) => {
      const e = exchange({ id: `plain-${i}`, traceparent: undefined });
      return [sampler.keep(e, 1100), sampler.keep(e, 1101)] as const;
    });
    for (const [a, b] of fates) expect(a).toBe(b);
    expect(fates.filter(([a]) => a).length).toBeLessThan(100);
  });

  it('leaves other events alone, and follows the rate down after a quiet spell', () => {
    const sampler = new TapSampler(10, 0);
    drive(sampler, 1000, 2);
    const log: DevmodeEvent = { type: 'log', ref: { service: 'order', instance: 0 }, stream: 'stdout', line: 'x', ts: 0 };
    for (let i = 0; i < 100; i++) expect(sampler.keep(log, 2000 + i)).toBe(true);
    // nothing for three seconds, then a trickle: all of it is sent again
    expect(drive(sampler, 5, 2, 5000)).toEqual([5, 5]);
  });

  it('parses max-rps: a positive integer; absent or 0 is every call; anything else a 400', () => {
    const q = (s: string) => parseMaxRps(new URLSearchParams(s));
    expect(q('')).toBeNull();
    expect(q('max-rps=0')).toBeNull();
    expect(q('max-rps=250')).toBe(250);
    for (const bad of ['max-rps=abc', 'max-rps=-1', 'max-rps=1.5', 'max-rps=1e3']) {
      const error = (() => {
        try {
          q(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AdminHttpError);
      expect(error).toMatchObject({ status: 400, message: expect.stringContaining('max-rps=') });
    }
  });
});
