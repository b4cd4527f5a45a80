import type { SystemSnapshot } from '../contracts.js';
import type { StoreSnapshot } from './snapshot.js';

/**
 * The admin API's `GET /state` (and `devmode status --json`): the stable, small summary
 * tools rely on, derived from the Store's snapshot so both say the same.
 */
export function toSystemState(s: StoreSnapshot, kafkaBrokers = s.broker.address): SystemSnapshot {
  return {
    name: s.header.name,
    gatewayUrl: s.header.gatewayUrl,
    locatorUrl: s.header.locatorUrl,
    kafkaBrokers,
    services: s.services.map((service) => ({
      name: service.name,
      kind: service.kind,
      instances: service.instances.map((i) => ({ instance: i.instance, state: i.state, pid: i.pid, port: i.port, url: i.url, why: i.why })),
    })),
    edges: s.traffic.edges.map(({ series: _series, ...e }) => e),
    routes: s.traffic.routes.map(({ series: _series, ...r }) => r),
    topology: s.topology,
    topics: [...s.broker.topics],
    groups: s.broker.groups.map(({ services: _services, lag: _lag, ...g }) => g),
    transactions: [...s.broker.transactions],
    faults: [...s.faults],
  };
}
