/**
 * Attach: the same handle over a devmode already running in another process (`devmode up`),
 * read through its admin API: waits, faults, reports; stop() detaches and leaves it running.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { attachSystem } from '../../../src/index.js';
import { devmode, sampleProject } from '../../helpers/devmode-rig.js';

it('attaches to a running devmode up: waits, faults and detaching leave it running', async () => {
  const dir = sampleProject();
  const up = devmode(['up', '--plain'], dir);
  const gateway = await up.ready(60_000);
  const admin = JSON.parse(readFileSync(path.join(dir, '.devmode', 'admin.json'), 'utf8')) as { url: string };
  const system = await attachSystem({ adminUrl: admin.url, root: dir });
  try {
    expect(system.kind).toBe('attached');
    expect(system.urls.gateway).toBe(gateway);
    expect(system.urls.kafka).toMatch(/^127\.0\.0\.1:\d+$/);
    const cursor = await system.cursor();
    const placed = await fetch(`${gateway}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ada', items: [{ sku: 'tea', qty: 1 }] }) });
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { id: string };
    expect((await system.waitForMessage('orders', { json: { id: order.id } }, { after: cursor })).key).toBe('ada');
    expect((await system.waitForCall({ from: 'gateway', to: 'order', method: 'POST', status: 201 }, { after: cursor })).path).toBe('/api/orders');
    await system.withFault({ id: 'attached-cut', callee: 'user', cut: true }, async () => {
      expect(system.snapshot().faults.map((f) => f.id)).toEqual(['attached-cut']);
      const ask = await fetch(`${gateway}/api/shipments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: order.id }) });
      expect(ask.status).toBe(502);
    });
    await system.store.waitFor((s) => s.faults.length === 0, { timeout: 5_000 });
    // a timed-out wait explains itself from the remote Store too
    const error = await system.waitForCall({ to: 'order', status: 599 }, { after: cursor, timeout: 200 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/Nearest misses \(\d+ of \d+ calls since the cursor\):\n {2}- POST \/api\/orders from gateway to order\.0: 201/);
  } finally {
    await system.stop();
  }
  // detached: the devmode is still up and serving
  expect(up.child.exitCode).toBe(null);
  expect((await fetch(`${gateway}/api/orders`)).status).toBe(200);
}, 90_000);
