import { describe, expect, it } from 'vitest';
import { TrafficStats, routeOf } from '../../../src/mesh/stats/index.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const exchange = (path: string, durationMs: number, status = 200, extra: Partial<Extract<DevmodeEvent, { type: 'http.exchange' }>> = {}): DevmodeEvent => ({
  type: 'http.exchange',
  id: 'x',
  caller: { service: 'shipping', instance: 0 },
  callee: { service: 'user', instance: 0 },
  method: 'GET',
  path,
  status,
  durationMs,
  requestBytes: 0,
  responseBytes: 0,
  ts: 0,
  ...extra,
});

describe('TrafficStats', () => {
  it('gives percentiles of known latencies within the histogram precision (±5%)', () => {
    const c = clock();
    const stats = new TrafficStats({ now: c.now });
    // 1000 samples spread evenly over 10..20 ms, over 10 seconds
    for (let i = 0; i < 1000; i++) {
      stats.observe(exchange('/users/1', 10 + (10 * i) / 999));
      if (i % 100 === 99) c.advance(1000);
    }
    const [edge] = stats.edges();
    expect(edge).toMatchObject({ caller: 'shipping', callee: 'user', requests: 1000, errors: 0 });
    expect(edge!.p50).toBeGreaterThan(15 * 0.95);
    expect(edge!.p50).toBeLessThan(15 * 1.05);
    expect(edge!.p95).toBeGreaterThan(19.5 * 0.95);
    expect(edge!.p95).toBeLessThan(19.5 * 1.05);
    expect(edge!.p99).toBeGreaterThan(19.9 * 0.95);
    expect(edge!.p99).toBeLessThan(19.9 * 1.05);
    expect(edge!.ratePerSec).toBeCloseTo(1000 / 11, 0);
  });

  it('tells a slow tail from the median', () => {
    const c = clock();
    const stats = new TrafficStats({ now: c.now });
    for (let i = 0; i < 980; i++) stats.record('a', 'b', 'GET', '/', 2, false);
    for (let i = 0; i < 20; i++) stats.record('a', 'b', 'GET', '/', 500, false);
    const [edge] = stats.edges();
    expect(edge!.p50).toBeCloseTo(2, 0);
    expect(edge!.p95).toBeCloseTo(2, 0);
    expect(edge!.p99).toBeGreaterThan(450);
  });

  it('counts 5xx and devmode-answered exchanges as errors, not 4xx', () => {
    const stats = new TrafficStats({ now: clock().now });
    stats.observe(exchange('/a', 1, 200));
    stats.observe(exchange('/a', 1, 404));
    stats.observe(exchange('/a', 1, 503));
    stats.observe(exchange('/a', 1, 0, { error: 'connection aborted by fault f' }));
    const [edge] = stats.edges();
    expect(edge).toMatchObject({ requests: 4, errors: 2, errorRate: 0.5 });
  });

  it('forgets what is older than the window', () => {
    const c = clock();
    const stats = new TrafficStats({ now: c.now, windowSec: 60 });
    for (let i = 0; i < 100; i++) stats.record('a', 'b', 'GET', '/', 100, true);
    c.advance(30_000);
    for (let i = 0; i < 10; i++) stats.record('a', 'b', 'GET', '/', 1, false);
    expect(stats.edges()[0]).toMatchObject({ requests: 110, errors: 100 });
    c.advance(31_000);
    const edge = stats.edges()[0]!;
    expect(edge).toMatchObject({ requests: 10, errors: 0, errorRate: 0 });
    expect(edge.p99).toBeLessThan(1.1);
    c.advance(60_000);
    expect(stats.edges()[0]).toMatchObject({ requests: 0, ratePerSec: 0, p50: 0 });
  });

  it('keeps per-route figures with ids collapsed', () => {
    const stats = new TrafficStats({ now: clock().now });
    stats.observe(exchange('/api/orders/17', 5));
    stats.observe(exchange('/api/orders/18?full=1', 5));
    stats.observe(exchange('/api/orders/17/items', 5));
    stats.observe(exchange('/api/orders', 5, 200, { method: 'POST' }));
    const routes = stats.routes().map((r) => `${r.method} ${r.route} ${r.requests}`);
    expect(routes).toEqual(['GET /api/orders/:id 2', 'POST /api/orders 1', 'GET /api/orders/:id/items 1']);
  });

  it('stays the same size however many events it records (1M events, many paths)', () => {
    const c = clock();
    const stats = new TrafficStats({ now: c.now, maxRoutesPerEdge: 8 });
    let after1k = 0;
    for (let i = 0; i < 1_000_000; i++) {
      stats.record(`caller${i % 3}`, 'callee', 'GET', `/p${i % 50}/x`, (i % 97) + 0.5, i % 10 === 0);
      if (i % 1000 === 999) c.advance(7); // ~7 s per 1000 s of samples: the window wraps many times
      if (i === 999) after1k = stats.footprintBytes;
    }
    expect(stats.footprintBytes).toBe(after1k);
    const routes = stats.routes();
    expect(routes.length).toBe(3 * (8 + 1)); // 8 routes and 'other' per edge
    expect(routes.some((r) => r.route === 'other')).toBe(true);
    const edge = stats.edges()[0]!;
    expect(edge.errorRate).toBeCloseTo(0.1, 2);
  });
});

describe('routeOf', () => {
  it.each([
    ['/', '/'],
    ['/api/orders', '/api/orders'],
    ['/api/orders/123', '/api/orders/:id'],
    ['/api/users/3fa85f64-5717-4562-b3fc-2c963f66afa6/orders', '/api/users/:id/orders'],
    ['/objects/507f1f77bcf86cd799439011', '/objects/:id'],
    ['/tokens/aZ3kL9mQ2xW7pR4tY8uB1nV6', '/tokens/:id'],
    ['/api/v2/health?x=1', '/api/v2/health'],
    ['/deadbeefcafe', '/deadbeefcafe'],
  ])('%s -> %s', (path, route) => {
    expect(routeOf(path)).toBe(route);
  });
});
