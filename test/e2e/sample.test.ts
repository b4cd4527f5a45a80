/**
 * The sample shop end to end through the real `devmode up`: every public flow through the
 * gateway, the locator's Lagom API, the gateway's own answers, and nothing left behind.
 */
import { describe, expect, it } from 'vitest';
import { devmode, sampleProject } from '../helpers/devmode-rig.js';
import { waitFor, waitForPidsGone, waitForPortFree } from '../helpers/processes.js';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, type: res.headers.get('content-type') };
}

describe('devmode up with the sample system', () => {
  it('serves every flow through the gateway, answers the locator API, and leaves nothing behind on Ctrl-C', async () => {
    const dir = sampleProject();
    const dm = devmode(['up'], dir);
    const gateway = await dm.ready(40_000);
    expect(dm.stdout).toMatch(/embedded broker on 127\.0\.0\.1:\d+/);

    // order -> topic -> user's consumer group -> history
    const created = await json(`${gateway}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'ada', items: [{ sku: 'book', qty: 1 }] }),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ userId: 'ada', items: [{ sku: 'book', qty: 1 }] });
    expect(typeof created.body.id).toBe('string');
    const orderId: string = created.body.id;
    expect((await json(`${gateway}/api/orders/${orderId}`)).body).toMatchObject({ id: orderId, userId: 'ada' });

    // Either user instance answers for any user (they tell each other); ask several times.
    await waitFor(
      async () => {
        for (let i = 0; i < 4; i++) {
          const h = await json(`${gateway}/api/users/ada/orders`);
          if (!Array.isArray(h.body) || !h.body.some((o: { id: string }) => o.id === orderId)) return false;
        }
        return true;
      },
      'the order to reach user history on both instances',
      20_000,
      100,
    );

    // shipment: shipping asks user over HTTP, then streams updates over a WebSocket
    let shipment: { status: number; body: any } = { status: 0, body: null };
    await waitFor(
      async () => {
        shipment = await json(`${gateway}/api/shipments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId }),
        });
        return shipment.status === 201;
      },
      'shipping to accept the shipment',
      15_000,
      100,
    );
    expect(shipment.body).toMatchObject({ orderId, userId: 'ada' });
    expect((await json(`${gateway}/api/shipments/${shipment.body.id}`)).body).toMatchObject({ id: shipment.body.id });
    await waitFor(
      async () => {
        const u = await json(`${gateway}/api/users/ada`);
        return Array.isArray(u.body?.shipments) && u.body.shipments.some((s: { shipmentId: string }) => s.shipmentId === shipment.body.id);
      },
      'the shipment update streamed over the WebSocket to show on the user',
      15_000,
      100,
    );

    // the locator: Lagom's dev-mode API
    const locator = dm.stdout.match(/locator on (http:\/\/[^\s,]+)/)?.[1];
    expect(locator, dm.stdout).toBeDefined();
    {
      const found = await fetch(`${locator}/services/order`);
      expect(found.status).toBe(200);
      expect(found.headers.get('content-type')).toMatch(/text\/plain/);
      expect(await found.text()).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      const missing = await json(`${locator}/services/nothing`);
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatch(/nothing/);
      const kafka = await fetch(`${locator}/services/kafka_native`);
      expect(await kafka.text()).toMatch(/127\.0\.0\.1:\d+/);
    }

    // the gateway's own answers
    const none = await json(`${gateway}/no/such/route`);
    expect(none.status).toBe(404);
    expect(none.body.routes.map((r: { path: string }) => r.path)).toContain('/api/orders/**');
    const html = await fetch(`${gateway}/no/such/route`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('/api/shipments');

    // Ctrl-C: everything stops, no process or port survives
    const pids = dm.instancePids();
    const ports = dm.instancePorts();
    expect(pids.length).toBe(4);
    dm.signal('SIGINT');
    const result = await dm.exited;
    expect(result.code, dm.output).toBe(0);
    await waitForPidsGone(pids, 10_000);
    for (const port of [...ports, Number(new URL(gateway).port)]) await waitForPortFree(port);
  });
});
