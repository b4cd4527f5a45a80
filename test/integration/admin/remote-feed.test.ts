/**
 * The remote Store's feed over a real admin API: it reconnects to a devmode that comes back
 * on the same address and seeds itself from it, and catches up when it fell behind.
 */
import { afterEach, expect, test } from 'vitest';
import { connectRemoteStore, type RemoteStoreSession } from '../../../src/cli/admin-client/index.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { startAdmin } from './fixture.js';

const log = (line: string): DevmodeEvent => ({ type: 'log', ref: { service: 'order', instance: 0 }, stream: 'stdout', line, ts: Date.now() });
const texts = (remote: RemoteStoreSession) => remote.store.getSnapshot().logs.byInstance['order.0']?.items.map((l) => l.text) ?? [];

const sessions: RemoteStoreSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

test('a devmode that stops and comes back on the same address is followed again, from its own state', async () => {
  const first = await startAdmin();
  const remote = await connectRemoteStore(first.url, { reconnectMs: 50, pollMs: 0 });
  sessions.push(remote);
  first.bus.publish(log('from the first'));
  await remote.store.waitFor((s) => s.logs.byInstance['order.0']?.items.some((l) => l.text === 'from the first'), { timeout: 5000 });
  await first.server.stop();
  const lost = await remote.store.waitFor((s) => s.header.remote?.connected === false && s.header.remote, { timeout: 5000, what: 'the feed marked lost' });
  expect(lost.error).toMatch(/stopped or went away/);

  const second = await startAdmin({ port: first.server.port });
  second.bus.publish(log('from the second'));
  await remote.store.waitFor((s) => s.header.remote?.connected === true, { timeout: 10_000, what: 'the feed connected again' });
  expect(texts(remote)).toEqual(['from the second']);
  second.bus.publish(log('live again'));
  await remote.store.waitFor(() => texts(remote).includes('live again'), { timeout: 5000, what: 'a live line after the reconnect' });
});

test('a reader that fell behind (devmode dropped events for it) reads the whole state again and misses nothing', async () => {
  const admin = await startAdmin({ streamBufferBytes: 1024 });
  const remote = await connectRemoteStore(admin.url, { reconnectMs: 20, pollMs: 0 });
  sessions.push(remote);
  // one burst in one tick: far more than 1 KiB waits in the socket, so most are dropped for this reader
  for (let i = 0; i < 3000; i++) admin.bus.publish(log(`line ${i} ${'x'.repeat(40)}`));
  // the stream says how many it dropped before the next event it sends
  await new Promise((r) => setTimeout(r, 200));
  admin.bus.publish(log('after'));
  await remote.store.waitFor((s) => s.logs.byInstance['order.0']?.total === 3001 && s.header.remote?.connected, { timeout: 15_000, what: 'every line, after catching up' });
  const lines = texts(remote);
  expect(lines[0]).toMatch(/^line 0 /);
  expect(lines.at(-1)).toBe('after');
  expect(lines).toHaveLength(3001);
});
