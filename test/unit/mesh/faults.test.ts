import { describe, expect, it } from 'vitest';
import { FaultInputError, FaultTable } from '../../../src/mesh/faults/index.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import type { FaultRule } from '../../../src/config/types.js';

const rule = (id: string, over: Partial<FaultRule> = {}): FaultRule => ({ id, caller: '*', callee: '*', path: '*', methods: [], percent: 100, action: { kind: 'abort' }, ...over });

describe('FaultTable matching', () => {
  it('decides nothing without rules', () => {
    expect(new FaultTable().decide('a', 'b', 'GET', '/')).toBeNull();
  });

  it('takes the first rule that matches caller, callee, method and path', () => {
    const table = new FaultTable({
      rules: [
        rule('only-post', { callee: 'user', methods: ['POST'], action: { kind: 'status', status: 503, body: null } }),
        rule('orders', { callee: 'user', path: '/api/orders/**', action: { kind: 'drop' } }),
        rule('from-shipping', { caller: 'shipping', action: { kind: 'delay', ms: 100, jitterMs: 0 } }),
      ],
    });
    expect(table.decide('order', 'user', 'POST', '/x')).toMatchObject({ rule: 'only-post', kind: 'status', status: 503 });
    expect(table.decide('order', 'user', 'GET', '/api/orders/7?a=1')).toMatchObject({ rule: 'orders', kind: 'drop', label: 'orders: drop' });
    expect(table.decide('order', 'user', 'GET', '/api/ordersX')).toBeNull();
    expect(table.decide('shipping', 'order', 'GET', '/')).toMatchObject({ rule: 'from-shipping', kind: 'delay', ms: 100, label: 'from-shipping: delay 100 ms' });
    expect(table.decide('gateway', 'order', 'GET', '/')).toBeNull();
    expect(table.list().map((r) => [r.id, r.hits])).toEqual([['only-post', 1], ['orders', 1], ['from-shipping', 1]]);
  });

  it('matches :param, * and trailing * segments like routes', () => {
    const table = new FaultTable({ rules: [rule('p', { path: '/users/:id/orders' }), rule('t', { path: '/files/*' })] });
    expect(table.decide('a', 'b', 'GET', '/users/42/orders')?.rule).toBe('p');
    expect(table.decide('a', 'b', 'GET', '/users/42/orders/1')).toBeNull();
    expect(table.decide('a', 'b', 'GET', '/files/a/b')?.rule).toBe('t');
    expect(table.decide('a', 'b', 'GET', '/files')).toBeNull();
  });

  it('repeats the same decisions for the same seed, rules and calls', () => {
    const rules = [rule('half', { percent: 50 }), rule('jitter', { action: { kind: 'delay', ms: 10, jitterMs: 90 } })];
    const run = (seed: number) => {
      const table = new FaultTable({ rules, seed });
      return Array.from({ length: 200 }, (_, i) => {
        const d = table.decide('a', 'b', 'GET', `/${i}`);
        return d ? (d.kind === 'delay' ? d.ms : d.kind) : null;
      });
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43)).not.toEqual(first);
    const aborts = first.filter((d) => d === 'abort').length;
    expect(aborts).toBeGreaterThan(70);
    expect(aborts).toBeLessThan(130);
    const delays = first.filter((d): d is number => typeof d === 'number');
    expect(delays.length).toBe(200 - aborts);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it('gives each rule its own random sequence: adding a rule does not shift another', () => {
    const half = rule('half', { callee: 'x', percent: 50 });
    const a = new FaultTable({ rules: [half], seed: 7 });
    const b = new FaultTable({ rules: [rule('other', { callee: 'y', percent: 50 }), half], seed: 7 });
    const seq = (t: FaultTable) => Array.from({ length: 50 }, () => {
      t.decide('c', 'y', 'GET', '/');
      return t.decide('c', 'x', 'GET', '/') !== null;
    });
    expect(seq(b)).toEqual(seq(a));
  });

  it('never applies a 0% rule', () => {
    const table = new FaultTable({ rules: [rule('never', { percent: 0 })] });
    for (let i = 0; i < 100; i++) expect(table.decide('a', 'b', 'GET', '/')).toBeNull();
  });
});

describe('FaultTable at run time', () => {
  it('sets, replaces, lists and clears rules, with events', () => {
    const events: DevmodeEvent[] = [];
    const table = new FaultTable({ rules: [rule('cfg')], publish: (e) => events.push(e), services: ['user', 'order'] });
    let changes = 0;
    table.onChange(() => changes++);
    const set = table.set({ callee: 'user', delay: '250ms', jitter: 50 });
    expect(set).toMatchObject({ id: 'rule-1', source: 'runtime', callee: 'user', caller: '*', path: '*', percent: 100, action: 'delay 250 ms + 0..50 ms', hits: 0 });
    table.set({ id: 'rule-1', callee: 'order', status: 500, body: '{"x":1}' });
    expect(table.list().map((r) => `${r.id} ${r.callee} ${r.action}`)).toEqual(['cfg * abort', 'rule-1 order status 500']);
    table.decide('user', 'order', 'GET', '/');
    expect(table.clear('nope')).toBe(false);
    expect(table.clear('cfg')).toBe(true);
    expect(table.decide('x', 'order', 'GET', '/')).toMatchObject({ kind: 'status', status: 500, body: '{"x":1}' });
    table.clearAll();
    expect(table.list()).toEqual([]);
    expect(changes).toBe(4);
    expect(events.map((e) => e.type)).toEqual(['fault.set', 'fault.set', 'fault.set', 'fault.applied', 'fault.cleared', 'fault.applied', 'fault.cleared']);
    expect(events[3]).toMatchObject({ type: 'fault.applied', id: 'cfg', action: 'abort', caller: 'user', callee: 'order' });
  });

  it.each([
    [{ callee: 'user' }, /has no action/],
    [{ delay: 10, abort: true }, /2 actions \(delay, abort\)/],
    [{ callee: 'usr', abort: true }, /callee 'usr' of the fault rule is not a service/],
    [{ percent: 150, abort: true }, /percent must be a number from 0 to 100/],
    [{ delay: 'soon' }, /must be milliseconds or a duration/],
    [{ status: 700 }, /status must be an HTTP status/],
    [{ path: 'api', abort: true }, /must start with \//],
    [{ path: '/a/**/b', abort: true }, /'\*\*' may only be the last segment/],
    [{ body: 'x', abort: true }, /body only goes with status/],
    [{ callee: 'kafka', abort: true }, /takes a broker action/],
    [{ broker: {} }, /broker fault of the fault rule has no action/],
    [{ broker: { produceError: -1 } }, /Kafka error code/],
  ])('rejects %j with a clear message', (input, message) => {
    const table = new FaultTable({ services: ['user', 'order'] });
    expect(() => table.set(input as never)).toThrow(FaultInputError);
    expect(() => table.set(input as never)).toThrow(message);
    expect(table.list()).toEqual([]);
  });
});

describe('FaultTable cuts and broker state', () => {
  it('names the cut rule for matching edges and decides cut for the gateway', () => {
    const table = new FaultTable();
    expect(table.cutRule('shipping', 'user')).toBeNull();
    table.set({ id: 'cut-user', callee: 'user', cut: true });
    expect(table.cutRule('shipping', 'user')).toBe('cut-user');
    expect(table.cutRule('shipping', 'order')).toBeNull();
    expect(table.decide('gateway', 'user', 'GET', '/any')).toMatchObject({ kind: 'cut', rule: 'cut-user' });
  });

  it('answers the broker from broker rules and tells it when they change', () => {
    const table = new FaultTable();
    let changes = 0;
    table.onChange(() => changes++);
    expect([table.down, table.produceError('orders'), table.deliveryDelayMs('orders'), table.groupPaused('g')]).toEqual([false, 0, 0, false]);
    table.set({ id: 'down', broker: { down: true } });
    table.set({ id: 'pe', callee: 'kafka', broker: { topic: 'orders', produceError: 7 } });
    table.set({ id: 'dd', broker: { topic: '*', deliveryDelayMs: 300 } });
    table.set({ id: 'pg', broker: { pauseGroup: 'user' } });
    expect(table.down).toBe(true);
    expect(table.produceError('orders')).toBe(7);
    expect(table.produceError('other')).toBe(0);
    expect(table.deliveryDelayMs('anything')).toBe(300);
    expect(table.groupPaused('user')).toBe(true);
    expect(table.groupPaused('order')).toBe(false);
    // broker rules never affect HTTP calls
    expect(table.decide('a', 'kafka', 'GET', '/')).toBeNull();
    expect(table.list().find((r) => r.id === 'pe')).toMatchObject({ callee: 'kafka', action: 'produce error 7 on orders', hits: 1 });
    table.clear('down');
    expect(table.down).toBe(false);
    expect(changes).toBe(5);
  });

  it('takes broker rules from the config too', () => {
    const table = new FaultTable({ rules: [rule('d', { callee: 'kafka', action: { kind: 'broker-down' } })] });
    expect(table.down).toBe(true);
  });
});
