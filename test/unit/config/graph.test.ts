import { describe, expect, it } from 'vitest';
import { startOrder } from '../../../src/config/graph.js';
import type { ServiceConfig } from '../../../src/config/types.js';

const svc = (name: string, dependsOn: string[] = []) => ({ kind: 'managed', name, dependsOn }) as unknown as ServiceConfig;

describe('startOrder', () => {
  it('puts each service after its dependencies, in waves, keeping file order within a wave', () => {
    const services = [svc('gateway-ui', ['order', 'user']), svc('order', ['user', 'legacy']), svc('shipping', ['user']), svc('user'), svc('legacy')];
    services[4] = { kind: 'unmanaged', name: 'legacy' } as unknown as ServiceConfig;
    expect(startOrder({ services })).toEqual([['user', 'legacy'], ['order', 'shipping'], ['gateway-ui']]);
  });

  it('is one wave without dependencies, and empty without services', () => {
    expect(startOrder({ services: [svc('a'), svc('b')] })).toEqual([['a', 'b']]);
    expect(startOrder({ services: [] })).toEqual([]);
  });

  it('does not hang on a cycle (which loading rejects): the cycle comes last', () => {
    expect(startOrder({ services: [svc('a', ['b']), svc('b', ['a']), svc('c')] })).toEqual([['c'], ['a', 'b']]);
  });
});
