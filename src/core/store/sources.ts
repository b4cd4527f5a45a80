/**
 * What the Store reads besides events, polled about once a second: handed in by system/
 * from the parts (the mesh's statistics and topology, the broker's introspection, /proc),
 * or by the remote Store from a running devmode's admin API. Every source is optional:
 * a missing one reads as empty.
 */
import type { BrokerIntrospection, EdgeStatsView, RouteStatsView, TopologyView } from '../contracts.js';
import type { RemoteView, SeriesView } from './snapshot.js';

export interface StoreSources {
  /** awaited at the start of each poll, before the others are read (a remote source fetches here) */
  prepare?(): Promise<void>;
  /** for a Store fed from another devmode: where, and whether the feed is live */
  remote?(): RemoteView;
  /** the system's addresses; may throw (or return '') before the system has started */
  addresses?(): { gatewayUrl?: string; locatorUrl?: string; adminUrl?: string };
  /** per-edge and per-route figures over a sliding window (the mesh's TrafficStats fits) */
  traffic?: TrafficSource;
  topology?(): TopologyView;
  /** `transactions` absent: none open */
  broker?: Pick<BrokerIntrospection, 'topics' | 'groups'> & Partial<Pick<BrokerIntrospection, 'transactions'>>;
  /** CPU and memory of processes, by pid (unknown pids left out) */
  usage?(pids: readonly number[]): Promise<ReadonlyMap<number, ProcessUsage>>;
  /** services the locator knows, for unmanaged ones and those registered at run time, and why an instance is down */
  registry?(): readonly RegisteredService[];
}

export interface TrafficSource {
  readonly windowSec: number;
  /** entries that carry a `series` (a remote Store's) keep it; others get the Store's own */
  edges(): readonly (EdgeStatsView & { series?: SeriesView })[];
  routes(): readonly (RouteStatsView & { series?: SeriesView })[];
  /** the path with ids collapsed, as routes() names it (`/api/orders/:id`) */
  routeOf(path: string): string;
}

export interface ProcessUsage {
  /** of one core, over the last sampling interval */
  cpuPercent: number;
  rssBytes: number;
}

export interface RegisteredService {
  name: string;
  kind: 'managed' | 'unmanaged';
  instances: readonly { instance: number; state: 'ready' | 'down' | string; port: number | null; url: string | null; why: string | null }[];
  /** why a managed service has no instances yet (its first build failed), if it says */
  notStarted?: string | null;
}

/** A service as the config declares it, so the Store lists it before any event. */
export interface DeclaredService {
  name: string;
  kind: 'managed' | 'unmanaged';
  /** managed: instances asked for */
  instances?: number;
  /** unmanaged: where it runs */
  url?: string;
}
