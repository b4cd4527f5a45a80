import type { ManagedServiceConfig, SystemConfig } from '../config/types.js';
import type { DevmodeEvent } from '../core/events/index.js';
import type { InstanceResolver } from '../core/contracts.js';
import type { BodyCapture, FaultTable } from '../mesh/index.js';
import { MeshEdge } from '../mesh/index.js';
import type { HttpProxy } from '../net/proxy/index.js';

/**
 * Every mesh edge of a system: one per (caller instance, peer service), one per (instance,
 * other instance of the same service) for CLUSTER_PEERS, and one per service for an
 * external caller (devmode test's command). The port a call arrives on says who called.
 */
export class SystemEdges {
  readonly #byKey = new Map<string, MeshEdge>();

  constructor(options: {
    config: SystemConfig;
    managed: readonly ManagedServiceConfig[];
    resolver: InstanceResolver;
    publish: (event: DevmodeEvent) => void;
    proxy: HttpProxy;
    faults: FaultTable;
    capture: BodyCapture;
    externalCaller?: string | undefined;
  }) {
    const { config } = options;
    const add = (key: string, caller: { service: string; instance: number | null }, callee: string, calleeInstance?: number) =>
      this.#byKey.set(
        key,
        new MeshEdge({
          caller,
          callee,
          ...(calleeInstance !== undefined ? { calleeInstance } : {}),
          resolver: options.resolver,
          publish: options.publish,
          proxy: options.proxy,
          waitTimeoutMs: config.gateway.waitTimeoutMs,
          faults: options.faults,
          capture: options.capture,
        }),
      );
    for (const s of options.managed) {
      for (let i = 0; i < s.instances; i++) {
        for (const peer of config.services) if (peer.name !== s.name) add(peerKey(s.name, i, peer.name), { service: s.name, instance: i }, peer.name);
        for (let j = 0; j < s.instances; j++) if (j !== i) add(clusterKey(s.name, i, j), { service: s.name, instance: i }, s.name, j);
      }
    }
    if (options.externalCaller) {
      for (const s of config.services) add(externalKey(s.name), { service: options.externalCaller, instance: null }, s.name);
    }
  }

  start(): Promise<void[]> {
    return Promise.all([...this.#byKey.values()].map((e) => e.start()));
  }

  stop(): Promise<void[]> {
    return Promise.all([...this.#byKey.values()].map((e) => e.stop().catch(() => {})));
  }

  /** peer service -> the URL this instance calls it at (SERVICE_<PEER>_URL); valid after start() */
  peersOf(service: ManagedServiceConfig, instance: number, all: readonly { name: string }[]): Map<string, string> {
    const peers = new Map<string, string>();
    for (const peer of all) {
      const edge = this.#byKey.get(peerKey(service.name, instance, peer.name));
      if (edge) peers.set(peer.name, edge.url);
    }
    return peers;
  }

  /** URLs of the other instances of the same service (CLUSTER_PEERS); valid after start() */
  clusterOf(service: ManagedServiceConfig, instance: number): string[] {
    const urls: string[] = [];
    for (let j = 0; j < service.instances; j++) {
      const edge = this.#byKey.get(clusterKey(service.name, instance, j));
      if (edge) urls.push(edge.url);
    }
    return urls;
  }

  /** service -> URL for the external caller; valid after start() */
  external(): Map<string, string> {
    const urls = new Map<string, string>();
    for (const [key, edge] of this.#byKey) if (key.startsWith('external/')) urls.set(key.slice('external/'.length), edge.url);
    return urls;
  }
}

const peerKey = (service: string, instance: number, peer: string) => `${service}/${instance}->${peer}`;
const clusterKey = (service: string, instance: number, other: number) => `${service}/${instance}->${service}/${other}`;
const externalKey = (service: string) => `external/${service}`;
