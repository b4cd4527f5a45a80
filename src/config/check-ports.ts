/** Fixed ports written in the file must not collide with each other. */
import type { CheckContext } from './check-context.js';
import { DEFAULTS } from './defaults.js';
import type { RawConfig } from './schema.js';
import type { ConfigPath } from './yaml-source.js';

interface Claim {
  readonly who: string;
  readonly first: number;
  readonly last: number;
  readonly at: ConfigPath;
}

function describe(claim: Claim): string {
  return claim.first === claim.last ? `port ${claim.first} of ${claim.who}` : `ports ${claim.first}-${claim.last} of ${claim.who}`;
}

/** Reports overlapping fixed ports (0 = any free port never collides). */
export function checkPorts(ctx: CheckContext, config: RawConfig): void {
  const claims: Claim[] = [];
  const listener = (key: 'gateway' | 'locator' | 'admin') => {
    const port = config[key]?.port;
    if (port !== undefined && port !== 0) claims.push({ who: `the ${key}`, first: port, last: port, at: [key, 'port'] });
  };
  listener('gateway');
  listener('locator');
  listener('admin');
  const kafkaPort = config.kafka?.port;
  if (kafkaPort !== undefined && kafkaPort !== 0 && config.kafka?.mode !== 'external') {
    claims.push({ who: 'kafka', first: kafkaPort, last: kafkaPort, at: ['kafka', 'port'] });
  }
  for (const [name, service] of Object.entries(config.services)) {
    if (service.port === undefined || service.port === 0 || service.url !== undefined) continue;
    const instances = service.instances ?? DEFAULTS.service.instances;
    const last = service.port + instances - 1;
    const at = ['services', name, 'port'];
    if (last > 65535) {
      ctx.error(at, 'value', `ports ${service.port}-${last} of service '${name}' (${instances} instances) go past 65535`, 'choose a lower port');
      continue;
    }
    const who = instances > 1 ? `service '${name}' (${instances} instances)` : `service '${name}'`;
    claims.push({ who, first: service.port, last, at });
  }
  for (const [i, claim] of claims.entries()) {
    for (const clash of claims.slice(0, i).filter((other) => other.first <= claim.last && claim.first <= other.last)) {
      const message =
        claim.first !== claim.last
          ? `${describe(claim)} overlap ${describe(clash)}`
          : clash.first === clash.last
            ? `${describe(claim)} is already used by ${clash.who}`
            : `${describe(claim)} is within ${describe(clash)}`;
      ctx.error(claim.at, 'value', message, "give each a different port, or leave 'port' out to let devmode choose");
    }
  }
  // A fixed service port on a default port that is not fixed: devmode moves the default one.
  const defaults = [
    ['gateway', DEFAULTS.gateway.port],
    ['locator', DEFAULTS.locator.port],
    ['admin', DEFAULTS.admin.port],
  ] as const;
  for (const claim of claims) {
    for (const [key, port] of defaults) {
      if (config[key]?.port === undefined && claim.first <= port && port <= claim.last) {
        ctx.warn(claim.at, 'value', `${describe(claim)} includes ${port}, the ${key}'s default port; the ${key} will use another port`, `set ${key}.port to keep it predictable`);
      }
    }
  }
}
