/**
 * Waits as a test relies on them: from a cursor (nothing missed between the cursor and
 * the wait, nothing earlier counted), failing at once when a service they depend on exits
 * (with its exit code and last lines), and explaining a timeout with the nearest misses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceExitedError, startSystem, WaitTimeoutError, type DevmodeSystem } from '../../../src/index.js';
import { FIXTURE, get } from './system.js';

let system: DevmodeSystem;

beforeAll(async () => {
  system = await startSystem({ file: FIXTURE, services: ['front', 'lone'] });
});

afterAll(async () => {
  await system?.stop();
});

describe('waits from a cursor', () => {
  it('finds a message produced between the cursor and the wait, and ignores older ones', async () => {
    await system.produce({ topic: 'events', key: 'old', value: '{"n":1}' });
    const cursor = await system.cursor();
    await system.produce({ topic: 'events', key: 'new', value: '{"n":1}' });
    const found = await system.waitForMessage('events', { json: { n: 1 } }, { after: cursor });
    expect(found.key).toBe('new');
    // a service's own produce, read from the broker's log
    const viaService = await fetch(`${system.url('lone')}/produce/events`, { method: 'POST', body: '{"from":"lone"}' });
    expect(viaService.status).toBe(200);
    expect((await system.waitForMessage('events', (m) => m.key === 'lone', { after: cursor })).json).toEqual({ from: 'lone' });
    const all = await system.messages('events', { after: cursor });
    expect(all.map((m) => m.key).sort()).toEqual(['lone', 'new']);
  });

  it('finds a call made before the wait began, after the cursor', async () => {
    const cursor = await system.cursor();
    await get(`${system.url('front')}/call/back/hello`);
    const call = await system.waitForCall({ from: 'front', to: 'back', method: 'GET', path: '/hello', status: 200 }, { after: cursor });
    expect(call).toMatchObject({ kind: 'http', from: 'front', to: 'back', toInstance: 0 });
    const later = await system.cursor();
    await expect(system.waitForCall({ from: 'front', to: 'back' }, { after: later, timeout: 300 })).rejects.toBeInstanceOf(WaitTimeoutError);
  });
});

describe('a timed-out wait explains itself', () => {
  it('lists the nearest calls with what differed, the faults in force and the last lines', async () => {
    const cursor = await system.cursor();
    await get(`${system.url('front')}/log?text=${encodeURIComponent('front saw the request')}`);
    await get(`${system.url('front')}/call/back/hello`);
    await using _fault = await system.fault({ id: 'slow-store', caller: 'back', callee: 'store', delay: '5ms' });
    const error = await system.waitForCall({ from: 'front', to: 'back', path: '/hello', status: 500 }, { after: cursor, timeout: 300 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const text = (error as Error).message;
    expect(text).toContain('waitForCall({from: "front", to: "back", path: "/hello", status: 500}): nothing matched within 300 ms.');
    expect(text).toMatch(/Nearest misses \(\d of 3 calls since the cursor\):\n {2}- GET \/hello from front\.0 to back\.0: 200 in \d+ ms\n {6}differs: status 200, wanted 500\n/);
    expect(text).toContain('Faults in force:\n  - slow-store (runtime): back -> store *: delay 5 ms, 0 hits\n');
    expect(text).toMatch(/Last lines of front\.0 \(ready\):\n(.*\n)*  \| front saw the request/);
    expect(text).toMatch(/Last lines of back\.0 \(ready\):/);
  });

  it('lists the nearest messages with the fields that differed', async () => {
    const cursor = await system.cursor();
    await system.produce({ topic: 'events', key: 'u1', value: JSON.stringify({ kind: 'order.placed', order: { id: 'o-1', total: 3 } }) });
    await system.produce({ topic: 'events', key: 'u2', value: 'not json' });
    const error = await system.waitForMessage('events', { json: { kind: 'order.placed', order: { total: 4 } } }, { after: cursor, timeout: 400 }).catch((e: Error) => e);
    const text = (error as Error).message;
    expect(text).toContain(`waitForMessage('events', a message like {"json":{"kind":"order.placed","order":{"total":4}}}): nothing matched within 400 ms.`);
    expect(text).toContain('Nearest misses (2 of 2 messages on \'events\' since the cursor):');
    expect(text).toMatch(/- events\[\d\]@\d+ key "u1": \{"kind":"order.placed","order":\{"id":"o-1","total":3\}\}\n {6}differs: \$\.order\.total is 3, wanted 4/);
    expect(text).toContain('differs: the value is not JSON');
  });

  it('expectCalls says how many it found and why the others missed', async () => {
    const cursor = await system.cursor();
    await get(`${system.url('front')}/call/back/hello`);
    await system.waitForCall({ from: 'front', to: 'back' }, { after: cursor });
    expect(system.expectCalls({ from: 'front', to: 'back' }, { count: 1, after: cursor })).toHaveLength(1);
    expect(() => system.expectCalls({ from: 'front', to: 'back', status: 404 }, { after: cursor })).toThrow(/expectCalls\(\{from: "front", to: "back", status: 404\}\): expected at least 1, found 0\.\nNearest misses .*\n {2}- GET \/hello from front.0 to back.0: 200/);
  });
});

describe('reset between tests', () => {
  it('restarts the recording, clears faults, and (broker: true) deletes topics the config does not declare', async () => {
    await get(`${system.url('front')}/call/back/hello`);
    await system.produce({ topic: 'scratch', value: 'made by a test' });
    await system.fault({ id: 'mine', callee: 'back', status: 500 });
    await system.control.setFault({ id: 'someone-elses', callee: 'lone', status: 500 });
    await system.reset();
    expect(system.calls()).toEqual([]);
    expect(await system.messages('events')).toEqual([]);
    expect(system.snapshot().faults.map((f) => f.id)).toEqual(['someone-elses']);
    expect((await system.cursor()).offsets.has('scratch')).toBe(true);
    await system.reset({ faults: 'all', broker: true });
    expect(system.snapshot().faults).toEqual([]);
    const offsets = (await system.cursor()).offsets;
    expect(offsets.has('scratch')).toBe(false);
    expect(offsets.has('events')).toBe(true);
    // and the next calls are seen
    await get(`${system.url('front')}/call/back/hello`);
    expect((await system.waitForCall({ from: 'front', to: 'back' })).status).toBe(200);
  });
});

describe('a wait fails at once when a service it depends on exits', () => {
  it('names the instance, its exit code and its last lines', async () => {
    const started = Date.now();
    const waiting = system.waitForCall({ from: 'front', to: 'back', path: '/never' }, { timeout: 60_000 });
    // back exits by itself (restart: 'no', so it stays down)
    await fetch(`${system.url('back')}/exit/3`, { method: 'POST' });
    const error = await waiting.catch((e: Error) => e);
    expect(error).toBeInstanceOf(ServiceExitedError);
    expect(Date.now() - started).toBeLessThan(30_000);
    const text = (error as Error).message;
    expect(text).toMatch(/^waitForCall\(\{from: "front", to: "back", path: "\/never"\}\) stopped waiting after \d+ ms: back\.0 exited with code 3/);
    expect(text).toMatch(/Last lines of back\.0 \(exited, last exit 3\):\n(.*\n)*  ! about to fail: disk full/);
    expect((error as ServiceExitedError).exit.code).toBe(3);
  });
});
