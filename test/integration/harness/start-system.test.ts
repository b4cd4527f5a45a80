/**
 * startSystem as a user's test calls it: a subset with its dependencies, two systems side
 * by side from one config, the URLs it hands out, stop() idempotent and leaving nothing,
 * `await using`.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessOptionError, startSystem } from '../../../src/index.js';
import { adminRecordExists, expectNothingLeft, FIXTURE, footprint, get } from './system.js';

describe('startSystem', () => {
  it('starts a subset with what it depends on (front -> back -> store), and nothing else', async () => {
    await using system = await startSystem({ file: FIXTURE, services: ['front'] });
    const names = system.snapshot().services.map((s) => s.name);
    expect(names).toEqual(['front', 'back', 'store']);
    expect(Object.keys(system.urls.services).sort()).toEqual(['back', 'front', 'store']);
    for (const s of system.snapshot().services) expect(s.instances.map((i) => i.state)).toEqual(['ready']);
    // the test's own call goes through the mesh, the front's call to back too
    expect(await get(`${system.url('front')}/call/back/hello`)).toEqual({ status: 200, text: 'hello from back' });
    const call = await system.waitForCall({ from: 'front', to: 'back', path: '/hello' });
    expect(call.status).toBe(200);
    expect(system.calls({ from: 'test', to: 'front' })).toHaveLength(1);
    // and the gateway routes to the subset
    expect((await get(`${system.urls.gateway}/front/hello`)).status).toBe(404);
    expect(() => system.url('lone')).toThrow(/no service 'lone' in this system; it has front, back, store/);
  });

  it('refuses an unknown service by name, listing the known ones', async () => {
    const error = await startSystem({ file: FIXTURE, services: ['frnt'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarnessOptionError);
    expect((error as Error).message).toBe(`startSystem: no service 'frnt' in ${FIXTURE}; its services are front, back, store, lone`);
  });

  it('runs two systems from one config side by side: no shared port, broker or record', async () => {
    const [a, b] = await Promise.all([startSystem({ file: FIXTURE, services: ['back'] }), startSystem({ file: FIXTURE, services: ['back'] })]);
    try {
      const fa = footprint(a);
      const fb = footprint(b);
      expect(fa.ports.filter((p) => fb.ports.includes(p))).toEqual([]);
      expect(a.urls.kafka).not.toBe(b.urls.kafka);
      // neither wrote .devmode/admin.json over the other's (or a devmode up's)
      expect(adminRecordExists(path.dirname(FIXTURE))).toBe(false);
      // a message in one broker is not in the other
      const ca = await a.cursor();
      const cb = await b.cursor();
      await a.produce({ topic: 'events', key: 'k', value: '{"in":"a"}' });
      expect((await a.waitForMessage('events', { json: { in: 'a' } }, { after: ca })).key).toBe('k');
      expect(await b.messages('events', { after: cb })).toEqual([]);
      // each records its own traffic
      const ta = await a.cursor();
      await get(`${a.url('back')}/hello`);
      await a.waitForCall({ from: 'test', to: 'back' }, { after: ta });
      expect(b.calls({ from: 'test' }, { after: cb })).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('stop() is idempotent and leaves no process or port', async () => {
    const system = await startSystem({ file: FIXTURE, services: ['store', 'lone'] });
    const left = footprint(system);
    expect(left.pids).toHaveLength(2);
    await Promise.all([system.stop(), system.stop()]);
    await system.stop();
    await expectNothingLeft(left);
  });

  it('await using stops the system when the block throws', async () => {
    let left: { pids: number[]; ports: number[] } | undefined;
    const failing = async () => {
      await using system = await startSystem({ file: FIXTURE, services: ['store'] });
      left = footprint(system);
      throw new Error('the test failed');
    };
    await expect(failing()).rejects.toThrow('the test failed');
    await expectNothingLeft(left!);
  });

  it('restarts and reloads a service; the handle reads the new process', async () => {
    await using system = await startSystem({ file: FIXTURE, services: ['store'] });
    const pid = () => system.snapshot().services.find((s) => s.name === 'store')!.instances[0]!.pid;
    const first = pid();
    await system.reload('store');
    await system.store.waitFor((s) => s.services.find((x) => x.name === 'store')!.instances[0]!.state === 'ready' && pid() !== first);
    expect((await get(`${system.url('store')}/hello`)).text).toBe('hello from store');
    const second = pid();
    await system.restart('store');
    expect(pid()).not.toBe(second);
    expect((await get(`${system.url('store')}/hello`)).status).toBe(200);
  });
});
