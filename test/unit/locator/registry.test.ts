import { describe, expect, it } from 'vitest';
import { NotReadyError, Registry } from '../../../src/locator/registry.js';

const ports = (r: Registry, s: string) => r.ready(s).map((i) => i.port);

describe('Registry', () => {
  it('tracks instances through starting, ready and down', () => {
    const r = new Registry();
    r.declareService('order');
    expect(r.pending('order')).toBe(true);
    r.upsertInstance({ service: 'order', instance: 0, host: '127.0.0.1', port: 5000 });
    r.upsertInstance({ service: 'order', instance: 1, host: '127.0.0.1', port: 5001 });
    expect(r.ready('order')).toEqual([]);
    expect(r.pending('order')).toBe(true);
    r.setState('order', 0, 'ready');
    expect(r.ready('order')).toEqual([{ service: 'order', instance: 0, host: '127.0.0.1', port: 5000, url: 'http://127.0.0.1:5000' }]);
    expect(r.whyDown('order')).toBeUndefined();
    r.setState('order', 1, 'down', 'exited with code 1');
    r.setState('order', 0, 'down', 'crash loop: 5 exits in 10 s');
    expect(r.pending('order')).toBe(false);
    expect(r.whyDown('order')).toBe('instance 0: crash loop: 5 exits in 10 s; instance 1: exited with code 1');
    expect(r.whyDown('nope')).toBe("service 'nope' is not registered");
  });

  it('swaps an instance to a new port in one step and bumps its generation', () => {
    const r = new Registry();
    r.upsertInstance({ service: 's', instance: 0, host: '127.0.0.1', port: 5000, state: 'ready' });
    r.swapInstance('s', 0, { port: 6000 });
    expect(ports(r, 's')).toEqual([6000]);
    expect(r.get('s')?.instances[0]?.generation).toBe(1);
  });

  it('markPending holds until an instance is ready or clearPending', () => {
    const r = new Registry();
    r.upsertInstance({ service: 's', instance: 0, host: '127.0.0.1', port: 5000, state: 'ready' });
    r.markPending('s', 'restarting');
    r.setState('s', 0, 'down', 'stopped for restart');
    expect(r.pending('s')).toBe(true);
    expect(r.whyDown('s')).toBe('restarting');
    r.clearPending('s');
    expect(r.pending('s')).toBe(false);
    r.markPending('s', 'restarting');
    r.setState('s', 0, 'ready');
    expect(r.pending('s')).toBe(false);
  });

  it('waitReady resolves when an instance becomes ready', async () => {
    const r = new Registry();
    r.upsertInstance({ service: 's', instance: 0, host: '127.0.0.1', port: 5000 });
    const waiting = r.waitReady('s', 5000);
    r.setState('s', 0, 'ready');
    expect((await waiting).map((i) => i.port)).toEqual([5000]);
  });

  it('waitReady rejects on timeout, abort, down and unknown', async () => {
    const r = new Registry();
    r.upsertInstance({ service: 's', instance: 0, host: '127.0.0.1', port: 5000 });
    await expect(r.waitReady('s', 20)).rejects.toMatchObject({ reason: 'timeout' });
    const controller = new AbortController();
    const aborted = r.waitReady('s', 5000, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ reason: 'aborted' });
    const down = r.waitReady('s', 5000);
    r.setState('s', 0, 'down', 'exited with code 3');
    await expect(down).rejects.toThrow(/exited with code 3/);
    await expect(r.waitReady('ghost', 5000)).rejects.toBeInstanceOf(NotReadyError);
  });

  it('picks ready instances round-robin', () => {
    const r = new Registry();
    r.upsertInstance({ service: 's', instance: 0, host: '127.0.0.1', port: 5000, state: 'ready' });
    r.upsertInstance({ service: 's', instance: 1, host: '127.0.0.1', port: 5001, state: 'ready' });
    expect([1, 2, 3, 4].map(() => r.pick('s')?.port)).toEqual([5000, 5001, 5000, 5001]);
    expect(r.pick('ghost')).toBeUndefined();
  });

  it('registers unmanaged, Lagom-registered and kafka services, always ready', () => {
    const r = new Registry();
    r.addUnmanaged('legacy', 'http://127.0.0.1:7000/');
    r.register({ name: 'hello', url: 'http://localhost:8123', acls: [{ method: 'get', pathRegex: '/hello/.*' }] });
    r.setKafka('127.0.0.1:9092');
    expect(r.pick('legacy')?.url).toBe('http://127.0.0.1:7000');
    expect(r.pick('hello')).toMatchObject({ host: 'localhost', port: 8123 });
    expect(r.pick('kafka_native')?.url).toBe('tcp://127.0.0.1:9092');
    expect(r.acls()).toEqual([{ service: 'hello', method: 'GET', pathRegex: '/hello/.*' }]);
    expect(r.unregister('hello')).toBe(true);
    expect(r.has('hello')).toBe(false);
    expect(r.unregister('hello')).toBe(false);
  });

  it('refuses to register over a managed service', () => {
    const r = new Registry();
    r.declareService('order');
    expect(() => r.register({ name: 'order', url: 'http://127.0.0.1:1' })).toThrow(/managed by devmode/);
    expect(r.unregister('order')).toBe(false);
  });

  it('notifies listeners on changes, and a throwing listener harms no one', () => {
    const r = new Registry();
    const seen: string[] = [];
    r.onChange(() => {
      throw new Error('broken view');
    });
    const off = r.onChange((s) => seen.push(s));
    r.declareService('a');
    r.addUnmanaged('b', 'http://127.0.0.1:1');
    off();
    r.declareService('c');
    expect(seen).toEqual(['a', 'b']);
  });
});
