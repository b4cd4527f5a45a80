import { describe, expect, test } from 'vitest';
import { ReadinessTracker } from '../../../src/cli/admin-client/readiness.js';
import type { SystemSnapshot } from '../../../src/core/contracts.js';
import type { DevmodeEvent, InstanceState } from '../../../src/core/events/index.js';

const snapshot = (services: [string, string[]][]): SystemSnapshot => ({
  name: 's', gatewayUrl: '', locatorUrl: '', kafkaBrokers: '', edges: [], routes: [], topics: [], groups: [], transactions: [], faults: [],
  topology: { observed: [], undeclared: [], unused: [] },
  services: services.map(([name, states]) => ({ name, kind: 'managed', instances: states.map((state, instance) => ({ instance, state, pid: null, port: null, url: null, why: null })) })),
});
const state = (service: string, instance: number, s: InstanceState, detail?: string): DevmodeEvent => ({ type: 'instance.state', ref: { service, instance }, state: s, ...(detail ? { detail } : {}), ts: 0 });

describe('ReadinessTracker', () => {
  test('one service: ready when every instance is, following events', () => {
    const t = new ReadinessTracker('user');
    expect(t.seed(snapshot([['user', ['ready', 'starting']], ['order', ['starting']]]))).toBe(true);
    expect(t.ready).toBe(false);
    t.apply(state('order', 0, 'ready'));
    t.apply(state('user', 1, 'backoff', 'exited with code 1'));
    expect(t.pending()).toEqual(['user.1 backoff (exited with code 1)']);
    t.apply(state('user', 1, 'ready'));
    expect(t.ready).toBe(true);
    expect(t.instanceCount).toBe(2);
    t.apply(state('user', 0, 'exited'));
    expect(t.ready).toBe(false);
  });

  test('a service with no instance yet is not ready; an unknown one is reported by seed', () => {
    const t = new ReadinessTracker('user');
    t.seed(snapshot([['user', []]]));
    expect(t.ready).toBe(false);
    expect(t.pending()).toEqual(['user has no instance yet']);
    t.apply(state('user', 0, 'ready'));
    expect(t.ready).toBe(true);
    expect(new ReadinessTracker('nope').seed(snapshot([['user', []]]))).toBe(false);
  });

  test('the whole system: every service, or system.ready', () => {
    const t = new ReadinessTracker(null);
    t.seed(snapshot([['a', ['ready']], ['b', ['starting']]]));
    expect(t.ready).toBe(false);
    t.apply({ type: 'system.ready', gatewayUrl: '', ms: 1, ts: 0 });
    expect(t.ready).toBe(true);
  });
});
