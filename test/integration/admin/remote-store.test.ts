/**
 * The remote Store (`devmode ui`'s feed) against a real running System and its admin API:
 * it shows what the in-process Store shows, follows it live, acts through the admin API,
 * and notices when that devmode goes away. Real processes, sockets and broker.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRemoteStore, NoDevmodeError, type RemoteStoreSession } from '../../../src/cli/admin-client/index.js';
import { Harness } from '../../../src/harness/index.js';
import { FIXTURES, FREE_PORTS, removeDir, tempDir } from '../../helpers/devmode-rig.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

let dir: string;
let h: Harness;
let remote: RemoteStoreSession;
let adminUrl: string;

beforeAll(async () => {
  dir = tempDir();
  writeFileSync(
    path.join(dir, 'devmode.yaml'),
    `
name: remote-${process.pid}
services:
  web:
    command: node ${WEB}
    instances: 2
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
  );
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
  adminUrl = h.system.addresses.adminUrl!;
  remote = await connectRemoteStore(adminUrl, { pollMs: 200, reconnectMs: 100 });
}, 60_000);

afterAll(async () => {
  await remote?.close();
  await h?.stop();
  if (dir) removeDir(dir);
});

describe('a Store fed from a running devmode', () => {
  it('starts from the whole read model: services, pids, the lines printed before it came', async () => {
    const local = h.store.getSnapshot();
    const s = remote.store.getSnapshot();
    expect(s.header).toMatchObject({ name: local.header.name, gatewayUrl: h.gatewayUrl, ready: 2, total: 2, systemReady: true, remote: { adminUrl, connected: true, error: null } });
    expect(s.services.map((x) => x.instances.map((i) => [i.key, i.state, i.pid]))).toEqual(local.services.map((x) => x.instances.map((i) => [i.key, i.state, i.pid])));
    expect(s.logs.byInstance['web.0']!.items.map((l) => l.text)).toContain(local.logs.byInstance['web.0']!.items[0]!.text);
    expect(s.broker).toMatchObject({ mode: 'embedded', address: h.kafkaBrokers, state: 'up' });
  });

  it('follows live: an exchange in the tap, its edge figures with a series, sampled memory', async () => {
    const res = await fetch(`${h.gatewayUrl}/web/hello`);
    expect(res.status).toBe(200);
    const entry = await remote.store.waitFor((s) => s.tap.items.find((t) => t.path.endsWith('/hello') && t.caller.service === 'gateway'), { timeout: 10_000, what: 'the exchange in the remote tap' });
    expect(entry).toMatchObject({ method: 'GET', status: 200, callee: { service: 'web' } });
    const edge = await remote.store.waitFor((s) => s.traffic.edges.find((e) => e.caller === 'gateway' && e.callee === 'web' && e.requests >= 1), { timeout: 10_000, what: 'the gateway -> web edge' });
    expect(edge.series.requests.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(remote.store.getSnapshot().header.requestsPerSec).toBeGreaterThan(0);
    const rss = await remote.store.waitFor((s) => s.services[0]!.instances[0]!.rssBytes, { timeout: 10_000, what: 'sampled memory of web.0' });
    expect(rss).toBeGreaterThan(1024 * 1024);
  });

  it('acts through the admin API: stop and start a service, a fault in the config grammar, broker down and up, produce and tail', async () => {
    await remote.control.stop('web');
    await remote.store.waitFor((s) => s.services[0]!.instances.every((i) => i.state === 'stopped'), { timeout: 15_000, what: 'web stopped, seen remotely' });
    expect(h.store.getSnapshot().header.ready).toBe(0);
    await remote.control.start('web');
    await remote.store.waitFor((s) => s.header.ready === 2, { timeout: 15_000, what: 'web ready again, seen remotely' });
    expect(remote.store.getSnapshot().services[0]!.instances[0]!.restarts).toBeGreaterThanOrEqual(1);

    const rule = await remote.control.setFault({ caller: 'gateway', callee: 'web', status: 418 });
    expect((await fetch(`${h.gatewayUrl}/web/x`)).status).toBe(418);
    await remote.store.waitFor((s) => s.faults.find((f) => f.id === rule.id && f.hits >= 1), { timeout: 10_000, what: 'the fault with a hit' });
    expect(await remote.control.clearFault(rule.id)).toBe(true);
    expect(await remote.control.clearFault(rule.id)).toBe(false);
    await expect(remote.control.setFault({ callee: 'web', delay: 'soon' })).rejects.toMatchObject({ status: 400, hint: expect.stringContaining('1m30s') });
    const slow = await remote.control.setFault({ callee: 'web', delay: '1m30s', percent: 0 });
    expect(slow.action).toBe('delay 90000 ms');
    await remote.control.clearFaults();

    await remote.control.brokerDown();
    await remote.store.waitFor((s) => s.broker.state === 'down', { timeout: 10_000, what: 'the broker down, seen remotely' });
    await remote.control.brokerUp();
    await remote.store.waitFor((s) => s.broker.state === 'up', { timeout: 10_000, what: 'the broker up again' });

    const produced = await remote.control.produce({ topic: 'remote-orders', key: 'k1', value: '{"id":1}' });
    expect(produced).toMatchObject({ topic: 'remote-orders', partition: 0, offset: 0 });
    const topic = await remote.store.waitFor((s) => s.broker.topics.find((t) => t.name === 'remote-orders' && t.partitions[0]!.highWatermark === 1), { timeout: 10_000, what: 'the topic with one message' });
    expect(topic.partitions).toHaveLength(1);
    const records = await remote.control.recentRecords('remote-orders', 0, 10);
    expect(records.map((r) => [r.offset, r.key])).toEqual([[0, 'k1']]);
    expect(records[0]!.value).toContain('"id": 1');
    await expect(remote.control.restart('nope')).rejects.toMatchObject({ status: 404, hint: expect.any(String) });
  }, 60_000);

  it('closing the session leaves that devmode running', async () => {
    const second = await connectRemoteStore(adminUrl);
    await second.close();
    await second.close();
    expect((await fetch(`${h.gatewayUrl}/web/still`)).status).toBe(200);
  });

  it('says so when that devmode goes away, and when nothing answers at first', async () => {
    await h.stop();
    const lost = await remote.store.waitFor((s) => s.header.remote && !s.header.remote.connected && s.header.remote, { timeout: 15_000, what: 'the feed marked lost' });
    expect(lost.error).toBeTruthy();
    expect(remote.store.getSnapshot().header.stopping).toBe(true);
    await expect(connectRemoteStore(adminUrl)).rejects.toThrow(NoDevmodeError);
  });
});
