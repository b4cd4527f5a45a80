/**
 * A call's headers, capture or not: a real request through the gateway and the mesh (real
 * services), its headers read back through SystemControl, the admin API (`GET /calls/:id`)
 * and the TUI attached to that admin API, with credentials redacted.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteStore, type RemoteStoreSession } from '../../../src/cli/admin-client/index.js';
import type { TapEntry } from '../../../src/core/store/index.js';
import { Harness } from '../../../src/harness/index.js';
import { FIXTURES, FREE_PORTS, removeDir, tempDir } from '../../helpers/devmode-rig.js';
import { KEY, renderTui } from '../../unit/tui/tui-rig.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

let dir: string;
let h: Harness;
let remote: RemoteStoreSession;
let adminUrl: string;
let viaGateway: TapEntry;
let viaMesh: TapEntry;

beforeAll(async () => {
  dir = tempDir({
    'devmode.yaml': `
name: headers-${process.pid}
services:
  front:
    command: node ${WEB}
    readiness: { http: /health }
    routes: [{ path: /front/**, strip_prefix: /front }]
  back:
    command: node ${WEB}
    readiness: { http: /health }
${FREE_PORTS}`,
  });
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
  adminUrl = h.system.addresses.adminUrl!;
  remote = await connectRemoteStore(adminUrl, { pollMs: 200, reconnectMs: 100 });
  // front calls back through the mesh (/call/back/hello)
  const res = await fetch(`${h.gatewayUrl}/front/call/back/hello`, { headers: { authorization: 'Bearer s3cr3t-token', cookie: 'session=abc123', 'x-request-id': 'req-42' } });
  expect(res.status).toBe(200);
  await res.text();
  viaGateway = await h.store.waitFor((s) => s.tap.items.find((t) => t.caller.service === 'gateway' && t.path === '/front/call/back/hello'), { timeout: 10_000, what: 'the gateway call' });
  viaMesh = await h.store.waitFor((s) => s.tap.items.find((t) => t.caller.service === 'front' && t.callee.service === 'back'), { timeout: 10_000, what: 'the mesh call' });
}, 60_000);

afterAll(async () => {
  await remote?.close();
  await h?.stop();
  if (dir) removeDir(dir);
});

describe("a call's headers, capture off", () => {
  it('SystemControl: the request as the caller sent it and the answer as devmode sent it back, credentials redacted', async () => {
    const gw = await h.control.callHeaders(viaGateway.id);
    expect(gw).not.toBeNull();
    const request = new Map(gw!.request.map(([k, v]) => [k.toLowerCase(), v]));
    expect(request.get('authorization')).toBe('[redacted]');
    expect(request.get('cookie')).toBe('[redacted]');
    expect(request.get('x-request-id')).toBe('req-42');
    expect(JSON.stringify(gw)).not.toMatch(/s3cr3t|abc123/);
    expect(gw!.response?.statusLine).toBe('HTTP/1.1 200 OK');
    expect(gw!.response?.headers.map(([k]) => k.toLowerCase())).toContain('content-type');
    // the call front made to back, through the mesh
    const mesh = await h.control.callHeaders(viaMesh.id);
    expect(mesh?.request.some(([k, v]) => k.toLowerCase() === 'user-agent' && v.length > 0)).toBe(true);
    expect(mesh?.response?.statusLine).toMatch(/^HTTP\/1\.1 200/);
    expect(await h.control.callHeaders('gw-no-such-call')).toBeNull();
  });

  it('the same for a call node:http serves (capture on: the lean path steps aside), bodies captured too', async () => {
    await h.control.captureOn({ caller: 'gateway', callee: 'front' });
    try {
      const res = await fetch(`${h.gatewayUrl}/front/captured`, { headers: { authorization: 'Bearer other-s3cr3t', 'x-request-id': 'req-43' } });
      expect(res.status).toBe(200);
      await res.text();
      const call = await h.store.waitFor((s) => s.tap.items.find((t) => t.path === '/front/captured'), { timeout: 10_000, what: 'the captured call' });
      const headers = await h.control.callHeaders(call.id);
      expect(headers?.request).toContainEqual(['authorization', '[redacted]']);
      expect(headers?.request).toContainEqual(['x-request-id', 'req-43']);
      expect(headers?.response?.statusLine).toBe('HTTP/1.1 200 OK');
      expect(JSON.stringify(headers)).not.toContain('other-s3cr3t');
      const captured = (await h.control.captured()).exchanges as { id: string; responseBody: string }[];
      expect(captured.find((x) => x.id === call.id)?.responseBody).toBeTruthy();
    } finally {
      await h.control.captureOff();
    }
  });

  it('the admin API: GET /calls/:id, and a 404 that says what is kept', async () => {
    const res = await fetch(`${adminUrl}/calls/${encodeURIComponent(viaGateway.id)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; request: [string, string][] };
    expect(body.id).toBe(viaGateway.id);
    expect(body.request).toContainEqual(['authorization', '[redacted]']);
    const missing = await fetch(`${adminUrl}/calls/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'no call nope is kept', hint: expect.stringContaining('last 2000 calls') });
  });

  it('the TUI attached to that devmode: the selected call shows them', async () => {
    await remote.store.waitFor((s) => s.tap.items.some((t) => t.id === viaGateway.id) || null, { timeout: 10_000, what: 'the call in the remote tap' });
    const tui = await renderTui(remote.store, { columns: 120, rows: 40 }, { control: remote.control, now: Date.now });
    await tui.press('3', '/', ...'back/hello', KEY.enter);
    await tui.until('path:back/hello');
    await tui.until('/front/call/back/hello');
    // the newest call of those is selected: the gateway's (the mesh call's path is /hello)
    await tui.press(KEY.enter);
    const s = await tui.until('authorization: [redacted]', 10_000);
    expect(s).toContain('x-request-id: req-42');
    expect(s).toContain('cookie: [redacted]');
    expect(s).toContain('response HTTP/1.1 200 OK');
    expect(s).toContain('bodies: not captured');
    expect(s).not.toContain('s3cr3t');
  });
});
