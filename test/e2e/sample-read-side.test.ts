/**
 * The sample's user service rebuilds its order history from the `orders` topic when it
 * starts (a read side: a new subscriber sees all events, past and future), so a hot reload
 * of user, which replaces both instances, does not empty /api/users/:id/orders.
 * The real `devmode up` on a copy of the sample.
 */
import path from 'node:path';
import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devmode, sampleProject } from '../helpers/devmode-rig.js';
import { waitFor } from '../helpers/processes.js';

async function orderIds(gateway: string, user: string): Promise<string[][]> {
  // the gateway alternates between the two instances: ask each at least once
  const seen: string[][] = [];
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${gateway}/api/users/${user}/orders`);
    seen.push(res.status === 200 ? ((await res.json()) as { id: string }[]).map((o) => o.id) : []);
  }
  return seen;
}

describe('the sample after a reload', () => {
  it("still answers a user's order history (rebuilt from the orders topic)", async () => {
    const dir = sampleProject();
    const dm = devmode(['up'], dir);
    const gateway = await dm.ready(60_000);
    const ids: string[] = [];
    for (const sku of ['tea', 'cake']) {
      const res = await fetch(`${gateway}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'ada', items: [{ sku, qty: 1 }] }) });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await waitFor(async () => (await orderIds(gateway, 'ada')).every((seen) => ids.every((id) => seen.includes(id))), 'both instances to know the orders', 20_000);

    const reloads = dm.stdout.match(/user +\| reloaded in/g)?.length ?? 0;
    appendFileSync(path.join(dir, 'sample-system/user/server.mjs'), '\n// touched by the test\n');
    await dm.waitFor(new RegExp(`(user +\\| reloaded in [\\s\\S]*){${reloads + 1}}`), 60_000);
    // Right after the swap each new instance has read the topic from the beginning.
    await waitFor(async () => (await orderIds(gateway, 'ada')).every((seen) => ids.every((id) => seen.includes(id))), 'the history after the reload', 20_000);
  }, 120_000);
});
