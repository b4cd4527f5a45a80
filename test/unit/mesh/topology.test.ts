import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/mesh/topology.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';

const call = (caller: string, callee: string): DevmodeEvent => ({
  type: 'http.exchange', id: 'x', caller: { service: caller, instance: 0 }, callee: { service: callee, instance: 0 },
  method: 'GET', path: '/', status: 200, durationMs: 1, requestBytes: 0, responseBytes: 0, ts: 0,
});

describe('Topology', () => {
  it('builds the observed graph and compares it with depends_on', () => {
    const topology = new Topology({ declared: { order: ['user'], shipping: ['user', 'order'], user: [] } });
    topology.observe(call('gateway', 'order'));
    topology.observe(call('shipping', 'user'));
    topology.observe(call('shipping', 'user'));
    topology.observe(call('user', 'order')); // undeclared
    topology.observe(call('user', 'user')); // cluster peer: never undeclared
    topology.observe({ type: 'ws.opened', id: 'w', caller: { service: 'shipping', instance: 0 }, callee: { service: 'user', instance: 1 }, path: '/ws', ts: 0 });
    topology.observe({ type: 'broker.append', topic: 'orders', partition: 0, baseOffset: 0, count: 1, bytes: 10, clientId: 'kafkajs', service: 'order', ts: 0 });
    topology.observe({ type: 'broker.append', topic: 'orders', partition: 0, baseOffset: 1, count: 1, bytes: 10, clientId: 'script', ts: 0 });
    topology.observe({ type: 'broker.fetch', topic: 'orders', partition: 0, clientId: 'c', group: 'user-group', offset: 0, highWatermark: 1, bytes: 10, batches: 1, ts: 0 });
    const view = topology.view();
    expect(view.observed).toEqual([
      { from: 'orders', to: 'user-group', kind: 'consume' },
      { from: 'gateway', to: 'order', kind: 'http' },
      { from: 'shipping', to: 'user', kind: 'http' },
      { from: 'user', to: 'order', kind: 'http' },
      { from: 'user', to: 'user', kind: 'http' },
      { from: 'order', to: 'orders', kind: 'produce' },
      { from: 'script', to: 'orders', kind: 'produce' },
      { from: 'shipping', to: 'user', kind: 'ws' },
    ]);
    expect(view.undeclared).toEqual([{ from: 'user', to: 'order' }]);
    expect(view.unused).toEqual([{ from: 'order', to: 'user' }, { from: 'shipping', to: 'order' }]);
  });
});
