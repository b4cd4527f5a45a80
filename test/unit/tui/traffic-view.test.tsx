import { describe, expect, it } from 'vitest';
import { StaticStore, type SnapshotDraft } from '../../../src/core/store/index.js';
import { fitsIn, KEY, renderTui } from './tui-rig.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const series = { bucketMs: 60_000, requests: [1, 3, 8, 2, 0, 5], errors: [0, 0, 1, 0, 0, 0] };
const draft: SnapshotDraft = {
  services: [{ name: 'order' }, { name: 'user' }],
  tap: [
    { id: 'gw-1', path: '/api/orders', method: 'POST', status: 201, durationMs: 3.2, traceId: 'aaaa', ts: T - 3000 },
    { path: '/internal/users/ada', caller: { service: 'order', instance: 0 }, callee: { service: 'user', instance: 1 }, status: 200, durationMs: 1.1, traceId: 'aaaa', ts: T - 2990 },
    { path: '/api/users/bob', callee: { service: 'user', instance: 0 }, status: 404, durationMs: 0.8, ts: T - 2000 },
    { path: '/api/orders/9', status: 503, durationMs: 0.3, error: "fault 'rule-1' answered 503", fault: 'rule-1: status 503', ts: T - 1000 },
  ],
  logs: [{ service: 'order', text: 'placing order for ada', ts: T - 2995 }, { service: 'user', text: 'much later', ts: T + 60_000 }],
  traffic: {
    windowSec: 60,
    edges: [
      { caller: 'gateway', callee: 'order', requests: 120, ratePerSec: 2, errors: 1, errorRate: 0.01, p50: 2.5, p95: 9, p99: 31, series },
      { caller: 'order', callee: 'user', requests: 0, ratePerSec: 0, errors: 0, errorRate: 0, p50: 0, p95: 0, p99: 0, series },
      // only a WebSocket opened in the window: counted, but no latency
      { caller: 'shipping', callee: 'user', requests: 1, ratePerSec: 0.1, errors: 0, errorRate: 0, p50: 0, p95: 0, p99: 0, series },
    ],
    routes: [
      { caller: 'gateway', callee: 'order', method: 'POST', route: '/api/orders', requests: 100, ratePerSec: 1.7, errors: 0, errorRate: 0, p50: 2, p95: 8, p99: 20, series },
      { caller: 'shipping', callee: 'user', method: 'WS', route: '/internal/shipments/stream', requests: 1, ratePerSec: 0.1, errors: 0, errorRate: 0, p50: 0, p95: 0, p99: 0, series },
    ],
  },
  topology: { observed: [{ from: 'gateway', to: 'order', kind: 'http' }, { from: 'order', to: 'user', kind: 'http' }, { from: 'order', to: 'orders', kind: 'produce' }], undeclared: [{ from: 'order', to: 'user' }], unused: [{ from: 'shipping', to: 'user' }] },
};

describe('Traffic view', () => {
  it('a live tap: time, caller -> callee, method, path, status, latency; filters by status class, service and path', async () => {
    const tui = await renderTui(new StaticStore(draft));
    await tui.press('3');
    let s = await tui.until('/api/orders/9');
    expect(s).toMatch(/gateway -> order\.0\s+POST\s+\/api\/orders\s+201\s+3\.2ms/);
    expect(s).toMatch(/order\.0 -> user\.1\s+GET\s+\/internal\/users\/ada\s+200/);
    await tui.press('e', 'e', 'e'); // 4xx
    s = await tui.until('status:4xx');
    expect(s).toContain('/api/users/bob');
    expect(s).not.toContain('/api/orders');
    await tui.press('e', 'e'); // failed
    s = await tui.until('status:failed');
    expect(s).toContain('/api/orders/9');
    expect(s).not.toContain('/api/users/bob');
    await tui.press(KEY.esc, KEY.right, KEY.right, KEY.right); // all, gateway, order, user
    s = await tui.until('service:user');
    expect(s).not.toContain('/api/orders/9');
    await tui.press(KEY.esc, '/', ...'bob', KEY.enter);
    s = await tui.until('path:bob');
    expect(s).toContain('/api/users/bob');
    expect(s).not.toContain('/api/orders');
  });

  it('a sampled tap says so on its line at 80x24, failures all kept; the note goes when devmode sends every call again', async () => {
    const store = new StaticStore({ ...draft, tapDropped: 1200, tapSampled: { skipped: 1200, maxRps: 500 } });
    const tui = await renderTui(store);
    await tui.press('3');
    let s = await tui.until('sampled');
    const line = s.split('\n').find((l) => l.includes('● live'))!;
    expect(line).toMatch(/● live service:all status:all sampled ≤500\/s·all errors\s*$/);
    expect([...line].length).toBeLessThanOrEqual(80);
    const f = fitsIn(s, 80, 24);
    expect(f).toEqual({ lines: 24, widest: f.widest });
    expect(f.widest).toBeLessThanOrEqual(80);
    // the failed call is there, as every failure is
    expect(s).toContain('/api/orders/9');
    store.set(draft);
    s = await tui.until(/● live service:all status:all\s*$/m);
    expect(s).not.toContain('sampled');
  });

  it('pauses: new exchanges wait until it runs again', async () => {
    const store = new StaticStore(draft);
    const tui = await renderTui(store);
    await tui.press('3', ' ');
    await tui.until('paused');
    store.set({ ...draft, tap: [...draft.tap!, { path: '/api/new' }] });
    await new Promise((r) => setTimeout(r, 250));
    expect(tui.screen()).not.toContain('/api/new');
    await tui.press(' ');
    await tui.until('/api/new');
  });

  it('a selected call shows what its trace links: the calls it caused, the log lines around it; capture on demand', async () => {
    const tui = await renderTui(new StaticStore(draft), { columns: 120, rows: 40 });
    await tui.press('3', KEY.up, KEY.up, KEY.up, KEY.enter);
    const s = await tui.until('trace aaaa');
    expect(s).toContain('POST /api/orders');
    expect(s).toMatch(/call \d\d:\d\d:\d\d order\.0 -> user\.1 GET \/internal\/users\/ada 200/);
    expect(s).toContain('placing order for ada');
    expect(s).not.toContain('much later');
    expect(s).toContain('not captured (c: capture this edge)');
    await tui.press('c');
    expect(tui.control.named('captureOn')).toEqual([['captureOn', { caller: 'gateway', callee: 'order' }]]);
    await tui.press('f', 'a');
    expect(tui.control.named('setFault')).toEqual([['setFault', { caller: 'gateway', callee: 'order', abort: true }]]);
  });

  it('a selected call shows its request and response headers (redacted by devmode), capture or not; read once, on selection', async () => {
    const tui = await renderTui(new StaticStore(draft), { columns: 120, rows: 40 });
    tui.control.headers.set('gw-1', {
      id: 'gw-1',
      request: [['Host', '127.0.0.1:9000'], ['Authorization', '[redacted]'], ['Content-Type', 'application/json']],
      response: { statusLine: 'HTTP/1.1 201 Created', headers: [['content-type', 'application/json'], ['set-cookie', '[redacted]']] },
    });
    await tui.press('3', KEY.up, KEY.up, KEY.up, KEY.enter);
    const s = await tui.until('response HTTP/1.1 201 Created');
    expect(s).toMatch(/request headers\n\s+Host: 127\.0\.0\.1:9000\n\s+Authorization: \[redacted\]\n\s+Content-Type: application\/json/);
    expect(s).toMatch(/content-type: application\/json\n\s+set-cookie: \[redacted\]/);
    expect(s).toContain('bodies: not captured (c: capture this edge)');
    expect(tui.control.named('callHeaders')).toEqual([['callHeaders', 'gw-1']]);
    // another call: its own headers; one devmode no longer keeps says so
    await tui.press(KEY.down);
    await tui.until('headers: no longer kept');
    await tui.press(KEY.up);
    await tui.until('response HTTP/1.1 201 Created');
    expect(tui.control.named('callHeaders').filter((c) => c[1] === 'gw-1')).toHaveLength(1);
  });

  it('at 80x24 a long detail scrolls with PgDn/PgUp, saying what is below and above', async () => {
    const tui = await renderTui(new StaticStore(draft));
    const many: [string, string][] = Array.from({ length: 20 }, (_, i) => [`x-header-${i}`, `value ${i}`]);
    tui.control.headers.set('gw-1', { id: 'gw-1', request: many, response: { statusLine: 'HTTP/1.1 201 Created', headers: [['content-type', 'application/json']] } });
    await tui.press('3', KEY.up, KEY.up, KEY.up, KEY.enter);
    let s = await tui.until('x-header-0: value 0');
    expect(s).toMatch(/↓ \d+ more lines \(PgDn\); v: all of it in \$PAGER/);
    expect(s).not.toContain('response HTTP/1.1 201 Created');
    await tui.press(KEY.pageDown, KEY.pageDown);
    s = await tui.until('response HTTP/1.1 201 Created');
    expect(s).toMatch(/↑ \d+ above \(PgUp\)/);
    expect(s).not.toContain('x-header-0:');
    expect(s).toMatch(/POST\s+\/api\/orders\s+201/); // the selection stays
    await tui.press(KEY.pageUp, KEY.pageUp);
    await tui.until('x-header-0: value 0');
  });

  it('a failed call shows devmode\'s answer and the fault', async () => {
    const tui = await renderTui(new StaticStore(draft));
    await tui.press('3', KEY.enter);
    const s = await tui.until('devmode answered');
    expect(s).toContain("fault 'rule-1' answered 503");
    expect(s).toContain('fault: rule-1: status 503');
  });

  it('top: enter on a row shows its calls in the tap (its callee, and its path when the route is literal); the footer shows top\'s keys', async () => {
    const tui = await renderTui(new StaticStore(draft), { columns: 120, rows: 30 });
    await tui.press('3', 'm');
    let s = await tui.until('ROUTES');
    expect(s).toContain('⏎ its calls in the tap');
    expect(s).not.toContain('space pause');
    await tui.press(KEY.down, KEY.down, KEY.down, KEY.enter); // the route POST /api/orders (after three edges)
    s = await tui.until('path:/api/orders');
    expect(s).toContain('service:order');
    expect(s).toMatch(/gateway -> order\.0\s+POST\s+\/api\/orders\s+201/);
    expect(s).not.toContain('/api/users/bob');
    expect(s).toContain('space pause');
    // an edge row: its callee, any path
    await tui.press('m', KEY.up, KEY.up, KEY.enter); // back to top, the selection kept: the edge order -> user
    s = await tui.until('service:user');
    expect(s).not.toContain('path:');
    expect(s).toContain('/api/users/bob');
    // the topology table selects nothing: f and c do not act on the tap's hidden selection
    await tui.press('m', 'm');
    s = await tui.until('OBSERVED');
    expect(s).not.toContain('f fault');
    await tui.press('f');
    await tui.until('select a call or an edge first');
  });

  it('top: rate, errors, p50/p95/p99 and sparklines per edge and route; topology: observed beside declared', async () => {
    const tui = await renderTui(new StaticStore(draft), { columns: 120, rows: 30 });
    await tui.press('3', 'm');
    let s = await tui.until('EDGES');
    expect(s).toMatch(/gateway -> order\s+2\.0\s+1\s+2\.5ms\s+9\.0ms\s+31ms\s+▁▃█▂ ▅/);
    // a route reads as its method and path, then the edge it was counted on
    expect(s).toMatch(/POST \/api\/orders\s+gateway -> order\s+1\.7\s+0\s+2\.0ms/);
    // no latency to tell: none in the window, or a WebSocket (not 0 ms)
    expect(s).toMatch(/order -> user\s+0\s+0\s+-\s+-\s+-/);
    expect(s).toMatch(/shipping -> user\s+0\.1\s+0\s+-\s+-\s+-/);
    expect(s).toMatch(/WS \/internal\/shipments\/stream\s+\w+ -> user\s+0\.1\s+0\s+-\s+-\s+-/);
    await tui.press('m');
    s = await tui.until('OBSERVED');
    expect(s).toMatch(/order -> user\s+http\s+not in depends_on/);
    expect(s).toMatch(/gateway -> order\s+http\s+declared/);
    expect(s).toContain('DECLARED, NOT SEEN');
    expect(s).toContain('shipping -> user');
  });
});
