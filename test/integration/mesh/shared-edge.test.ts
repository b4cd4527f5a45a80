/**
 * A mesh edge shared by several callers, each at a loopback address of its own (Linux
 * answers on all of 127/8): the destination address says who called; a connection to an
 * address no caller has is reset before a byte is read; a cut of one caller resets only its
 * connections, a cut of all closes the listener (connection refused) on the same port.
 */
import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DevmodeEvent, Endpoint } from '../../../src/core/events/index.js';
import { Registry } from '../../../src/locator/registry.js';
import { MeshEdge } from '../../../src/mesh/edge.js';
import { FaultTable } from '../../../src/mesh/faults/index.js';
import { HttpProxy } from '../../../src/net/proxy/index.js';
import { request, startBackend, waitFor } from './helpers.js';

const SHIPPING: Endpoint = { service: 'shipping', instance: 0 };
const ORDER_1: Endpoint = { service: 'order', instance: 1 };

async function sharedEdge() {
  const user = await startBackend('user');
  const registry = new Registry();
  registry.upsertInstance({ service: 'user', instance: 0, host: '127.0.0.1', port: user.port, state: 'ready' });
  const events: DevmodeEvent[] = [];
  const faults = new FaultTable({ seed: 1, rules: [], publish: (e) => events.push(e), services: ['user', 'order', 'shipping'] });
  const proxy = new HttpProxy();
  const callers = new Map([
    ['127.9.1.1', SHIPPING],
    ['127.9.2.2', ORDER_1],
  ]);
  const edge = new MeshEdge({ callers, callee: 'user', resolver: registry, publish: (e) => events.push(e), proxy, waitTimeoutMs: 2000, faults, host: '0.0.0.0' });
  await edge.start();
  onTestFinished(async () => {
    await edge.stop();
    proxy.close();
  });
  const exchanges = () => events.filter((e): e is Extract<DevmodeEvent, { type: 'http.exchange' }> => e.type === 'http.exchange');
  return { edge, faults, user, exchanges };
}

describe.skipIf(process.platform !== 'linux')('a mesh edge shared by callers at their own loopback addresses', () => {
  it('attributes each call to the caller whose address it arrived at', async () => {
    const { edge, exchanges } = await sharedEdge();
    expect((await request(`${edge.urlFor('127.9.1.1')}/a`)).status).toBe(200);
    expect((await request(`${edge.urlFor('127.9.2.2')}/b`)).status).toBe(200);
    expect(exchanges().map((e) => [e.caller, e.path])).toEqual([
      [SHIPPING, '/a'],
      [ORDER_1, '/b'],
    ]);
    expect(edge.urlFor('127.9.1.1')).toBe(`http://127.9.1.1:${edge.port}`);
  });

  it('resets a connection to an address that no caller has, before any request reaches the callee', async () => {
    const { edge, user, exchanges } = await sharedEdge();
    await expect(request(`http://127.0.0.1:${edge.port}/x`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(request(`http://127.9.3.3:${edge.port}/x`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(user.hits).toBe(0);
    expect(exchanges()).toEqual([]);
  });

  it('a cut of one caller resets its connections only; a cut of every caller closes the listener, and clearing reopens it', async () => {
    const { edge, faults } = await sharedEdge();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const get = (address: string) =>
      new Promise<number>((resolve, reject) => {
        http.get(`${edge.urlFor(address)}/k`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
    expect(await get('127.9.1.1')).toBe(200); // a kept-alive connection of shipping's
    faults.set({ id: 'cut-shipping', caller: 'shipping', callee: 'user', cut: true });
    await expect(get('127.9.1.1')).rejects.toThrow();
    await expect(request(`${edge.urlFor('127.9.1.1')}/again`)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(edge.suspended).toBe(false);
    expect((await request(`${edge.urlFor('127.9.2.2')}/still`)).status).toBe(200);

    faults.set({ id: 'cut-user', callee: 'user', cut: true });
    await waitFor('the edge to close', () => edge.suspended);
    await expect(request(`${edge.urlFor('127.9.2.2')}/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    faults.clear('cut-user');
    faults.clear('cut-shipping');
    const back = await waitFor('the edge to listen again', async () => request(`${edge.urlFor('127.9.1.1')}/after`).catch(() => undefined));
    expect(back.status).toBe(200);
  });
});
