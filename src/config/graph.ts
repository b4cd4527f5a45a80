/**
 * The dependency graph of services (`depends_on`): checks for unknown names and cycles,
 * and the start order system/ follows.
 */
import { suggest } from '../util/suggest.js';
import type { CheckContext } from './check-context.js';
import type { RawConfig, RawService } from './schema.js';
import type { SystemConfig } from './types.js';

/** The names a raw service depends on, in file order. */
export function dependencyNames(service: RawService): string[] {
  const deps = service.depends_on;
  if (deps === undefined) return [];
  return Array.isArray(deps) ? [...deps] : Object.keys(deps);
}

/**
 * Waves of service names: every service's dependencies are in earlier waves, so each
 * wave can start at once after the previous one is ready. Within a wave, file order.
 * Services caught in a cycle (which a loaded config cannot have) come last, together.
 */
export function startOrder(config: Pick<SystemConfig, 'services'>): string[][] {
  const deps = new Map<string, readonly string[]>();
  for (const service of config.services) deps.set(service.name, service.kind === 'managed' ? service.dependsOn : []);
  const placed = new Set<string>();
  const waves: string[][] = [];
  let remaining = config.services.map((s) => s.name);
  while (remaining.length > 0) {
    const wave = remaining.filter((name) => (deps.get(name) ?? []).every((d) => placed.has(d) || !deps.has(d)));
    if (wave.length === 0) {
      waves.push(remaining);
      break;
    }
    for (const name of wave) placed.add(name);
    waves.push(wave);
    remaining = remaining.filter((name) => !placed.has(name));
  }
  return waves;
}

/** Reports unknown or self dependencies and each dependency cycle once, naming it. */
export function checkDependencies(ctx: CheckContext, config: RawConfig, allServiceNames: readonly string[]): void {
  const edges = new Map<string, string[]>();
  for (const [name, service] of Object.entries(config.services)) {
    const valid: string[] = [];
    dependencyNames(service).forEach((dep, i) => {
      const at = Array.isArray(service.depends_on) ? ['services', name, 'depends_on', i] : ['services', name, 'depends_on', dep];
      const target = Array.isArray(service.depends_on) ? 'value' : 'key';
      if (dep === name) {
        ctx.error(at, target, `service '${name}' depends on itself`, 'remove it from depends_on');
      } else if (!allServiceNames.includes(dep)) {
        const close = suggest(dep, allServiceNames);
        ctx.error(at, target, `service '${name}' depends on unknown service '${dep}'`, close ? `did you mean '${close}'?` : `services are: ${allServiceNames.join(', ')}`);
      } else {
        valid.push(dep);
      }
    });
    edges.set(name, valid);
  }
  for (const cycle of findCycles(edges)) {
    const first = cycle[0] ?? '';
    const service = config.services[first];
    const next = cycle[1] ?? '';
    const at = service && Array.isArray(service.depends_on)
      ? ['services', first, 'depends_on', service.depends_on.indexOf(next)]
      : ['services', first, 'depends_on', next];
    ctx.error(at, service && Array.isArray(service.depends_on) ? 'value' : 'key', `dependency cycle: ${cycle.join(' -> ')}`, 'remove one of these depends_on entries');
  }
}

/**
 * Each elementary cycle found by depth-first search, reported once, starting at its
 * first service in file order and closed (`a -> b -> a`).
 */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = [...edges.keys()];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    state.set(name, 'open');
    stack.push(name);
    for (const dep of edges.get(name) ?? []) {
      if (state.get(dep) === 'open') {
        const cycle = stack.slice(stack.indexOf(dep));
        // Rotate to start at the earliest-declared service, so each cycle is named once.
        const start = cycle.reduce((best, n) => (order.indexOf(n) < order.indexOf(best) ? n : best));
        const rotated = [...cycle.slice(cycle.indexOf(start)), ...cycle.slice(0, cycle.indexOf(start))];
        const key = rotated.join('>');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, start]);
        }
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of order) if (!state.has(name)) visit(name);
  return cycles;
}
