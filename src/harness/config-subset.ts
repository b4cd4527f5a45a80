import type { FaultRule, ServiceConfig, SystemConfig } from '../config/types.js';

/** How the harness changes a loaded config before starting it. */
export interface PrepareOptions {
  /** start only these services and what they depend on (absent: all) */
  services?: readonly string[];
  /**
   * Every listener on a port the OS picks (devmode's own, the services', the embedded
   * broker's; ports written in devmode.yaml too: tests read the URLs from the handle) and
   * the broker's data in memory, so several systems from one config run side
   * by side. Default true; false keeps the config's (deterministic) ports.
   */
  isolate?: boolean;
  /** seed of the fault rules' random source, so percentages repeat exactly */
  seed?: number;
}

/** A user's mistake in the harness options (an unknown service name, say). */
export class HarnessOptionError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'HarnessOptionError';
  }
}

/**
 * The services to start: the named ones and, transitively, what they depend on
 * (`depends_on`), in config order. Unknown names are an error naming the known ones.
 */
export function dependencyClosure(config: Pick<SystemConfig, 'services' | 'file'>, wanted: readonly string[]): string[] {
  const byName = new Map(config.services.map((s) => [s.name, s]));
  const unknown = wanted.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new HarnessOptionError(`startSystem: no service ${unknown.map((n) => `'${n}'`).join(', ')} in ${config.file}; its services are ${[...byName.keys()].join(', ')}`);
  }
  const chosen = new Set<string>();
  const visit = (name: string) => {
    if (chosen.has(name)) return;
    chosen.add(name);
    const service = byName.get(name);
    if (service?.kind === 'managed') for (const dep of service.dependsOn) visit(dep);
  };
  for (const name of wanted) visit(name);
  return config.services.filter((s) => chosen.has(s.name)).map((s) => s.name);
}

/** A copy of the config with the subset, isolation and seed applied (the loaded one is frozen). */
export function prepareConfig(config: SystemConfig, options: PrepareOptions): SystemConfig {
  const names = new Set(options.services ? dependencyClosure(config, options.services) : config.services.map((s) => s.name));
  const isolate = options.isolate ?? true;
  const services: ServiceConfig[] = config.services
    .filter((s) => names.has(s.name))
    .map((s) => (isolate && s.kind === 'managed' ? { ...s, port: 0 } : s));
  // A configured fault naming a service left out would be refused by the fault table.
  const known = (who: string) => who === '*' || who === 'gateway' || who === 'kafka' || who === 'test' || names.has(who);
  const faults: FaultRule[] = config.faults.filter((f) => known(f.caller) && known(f.callee));
  return Object.freeze({
    ...config,
    services,
    faults,
    ...(isolate
      ? {
          gateway: { ...config.gateway, port: 0 },
          locator: { ...config.locator, port: 0 },
          admin: { ...config.admin, port: 0 },
          kafka: { ...config.kafka, port: 0, dataDir: null },
        }
      : {}),
    ...(options.seed !== undefined ? { faultsSeed: options.seed } : {}),
  });
}
