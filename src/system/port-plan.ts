import type { ListenerConfig, SystemConfig } from '../config/types.js';
import { DEFAULTS } from '../config/defaults.js';
import { allocatePort, derivePort } from '../net/ports.js';


export interface PortPlan {
  gateway: number;
  locator: number;
  admin: number;
  /** service name -> port of each instance, by index */
  instances: Map<string, number[]>;
  /** every port handed out in this run (reload swaps add to it) */
  reserved: Set<number>;
}

/**
 * Chooses every listening port before anything starts, so each instance's environment
 * can name all the others. Fixed ports (written in devmode.yaml) must be free; derived
 * ones are stable across runs (hash of system and service names) and probe past busy ports.
 */
export async function planPorts(config: SystemConfig): Promise<PortPlan> {
  const reserved = new Set<number>();
  const listener = (l: ListenerConfig, preferred: number, wanted: string) =>
    allocatePort({ preferred: l.port ?? preferred, fixed: l.port !== null, host: l.host, reserved, wanted });
  const gateway = await listener(config.gateway, DEFAULTS.gateway.port, 'the gateway');
  const locator = await listener(config.locator, DEFAULTS.locator.port, 'the locator');
  const admin = await listener(config.admin, DEFAULTS.admin.port, 'the admin API');
  const instances = new Map<string, number[]>();
  for (const service of config.services) {
    if (service.kind !== 'managed') continue;
    const ports: number[] = [];
    for (let i = 0; i < service.instances; i++) {
      const fixed = service.port !== null && service.port !== 0;
      const preferred = service.port === null ? derivePort(config.name, service.name, i) : service.port === 0 ? 0 : service.port + i;
      ports.push(await allocatePort({ preferred, fixed, reserved, wanted: `service ${service.name} instance ${i}` }));
    }
    instances.set(service.name, ports);
  }
  return { gateway, locator, admin, instances, reserved };
}

