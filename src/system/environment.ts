import type { ManagedServiceConfig } from '../config/types.js';

/** `SERVICE_<NAME>_URL`: the name upper-cased, anything but letters and digits as `_`. */
export function serviceUrlVariable(service: string): string {
  return `SERVICE_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

/** The addresses of the system that every instance (and `devmode test`'s command) is told. */
export interface SystemAddresses {
  gatewayUrl: string;
  locatorUrl: string;
  /** bootstrap servers, comma separated */
  kafkaBrokers: string;
  /** the admin API, once the mesh's control plane runs */
  adminUrl?: string;
}

/**
 * The environment of one instance, in this order (later wins):
 * devmode's own environment (PATH, HOME, ...), the service's env_file and `environment`,
 * then the contract variables, which devmode owns because it chose the ports and URLs.
 * Pure: the same inputs give the same environment.
 */
export function instanceEnvironment(input: {
  inherited: NodeJS.ProcessEnv;
  service: ManagedServiceConfig;
  instance: number;
  host: string;
  port: number;
  addresses: SystemAddresses;
  /** peer service name -> URL this instance calls it at (through its mesh edge) */
  peers: ReadonlyMap<string, string>;
  /** URLs of the other instances of the same service (through mesh edges) */
  clusterPeers: readonly string[];
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.inherited)) if (value !== undefined) env[key] = value;
  Object.assign(env, input.service.environment);
  env.PORT = String(input.port);
  env.HOST = input.host;
  env.SERVICE_NAME = input.service.name;
  env.SERVICE_INSTANCE = String(input.instance);
  env.SERVICE_LOCATOR_URL = input.addresses.locatorUrl;
  env.GATEWAY_URL = input.addresses.gatewayUrl;
  env.KAFKA_BROKERS = input.addresses.kafkaBrokers;
  env.CLUSTER_PEERS = input.clusterPeers.join(',');
  if (input.addresses.adminUrl) env.DEVMODE_ADMIN_URL = input.addresses.adminUrl;
  for (const [peer, url] of input.peers) env[serviceUrlVariable(peer)] = url;
  return env;
}

/** What `devmode test` gives its command: the system's addresses and a URL per service (through the gateway's view: direct to the mesh is per caller). */
export function testCommandEnvironment(inherited: NodeJS.ProcessEnv, addresses: SystemAddresses, serviceUrls: ReadonlyMap<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) if (value !== undefined) env[key] = value;
  env.GATEWAY_URL = addresses.gatewayUrl;
  env.SERVICE_LOCATOR_URL = addresses.locatorUrl;
  env.KAFKA_BROKERS = addresses.kafkaBrokers;
  if (addresses.adminUrl) env.DEVMODE_ADMIN_URL = addresses.adminUrl;
  for (const [service, url] of serviceUrls) env[serviceUrlVariable(service)] = url;
  return env;
}
