/** Semantic checks of gateway routes (and path patterns of fault rules). */
import { suggest } from '../util/suggest.js';
import type { CheckContext } from './check-context.js';
import type { RawConfig } from './schema.js';
import type { ConfigPath } from './yaml-source.js';

/** Methods a route may name (what node:http accepts that matter for routing). */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'] as const;

/**
 * Why `pattern` is not a valid path pattern, or undefined when it is. Patterns are
 * `/exact`, `:param` segments, `*` for one segment and `**` (last only) for the rest.
 */
export function routePatternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith('/')) return 'must start with /';
  const segments = pattern.slice(1).split('/');
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === '' && !last) return 'has an empty segment (//)';
    if (segment === '**' && !last) return "'**' may only be the last segment";
    if (segment !== '*' && segment !== '**' && segment.includes('*')) return `'${segment}': '*' must be a whole segment`;
    if (segment.startsWith(':') && !/^:[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) return `'${segment}' is not a valid :param name`;
    if (/[?#\s]/.test(segment)) return `'${segment}' contains a character not allowed in a path (?, # or a space)`;
  }
  return undefined;
}

/** Checks a list of methods; `at` is the path of the `methods` key. */
export function checkMethods(ctx: CheckContext, at: ConfigPath, methods: readonly string[]): void {
  methods.forEach((method, i) => {
    if (!(HTTP_METHODS as readonly string[]).includes(method.toUpperCase())) {
      const close = suggest(method.toUpperCase(), HTTP_METHODS);
      ctx.error([...at, i], 'value', `unknown HTTP method '${method}'`, close ? `did you mean '${close}'?` : `use one of ${HTTP_METHODS.join(', ')}`);
    }
  });
}

/** Checks every service's routes, and warns when two services declare the same route. */
export function checkRoutes(ctx: CheckContext, config: RawConfig): void {
  const owners = new Map<string, string>();
  for (const [name, service] of Object.entries(config.services)) {
    (service.routes ?? []).forEach((route, i) => {
      const at = ['services', name, 'routes', i];
      const pattern = typeof route === 'string' ? route : route.path;
      const patternAt = typeof route === 'string' ? at : [...at, 'path'];
      const problem = routePatternProblem(pattern);
      if (problem !== undefined) {
        ctx.error(patternAt, 'value', `invalid route '${pattern}' of service '${name}': ${problem}`, 'patterns look like /api/orders, /users/:id, /api/* or /api/**');
      }
      if (typeof route !== 'string') {
        if (route.methods) checkMethods(ctx, [...at, 'methods'], route.methods);
        const strip = route.strip_prefix;
        if (strip !== undefined && (!strip.startsWith('/') || !route.path.startsWith(strip))) {
          ctx.error([...at, 'strip_prefix'], 'value', `strip_prefix '${strip}' is not a prefix of route '${route.path}'`, `it must begin the path, e.g. strip_prefix: ${route.path.split('/').slice(0, 2).join('/')}`);
        }
      }
      const methods = typeof route === 'string' ? '' : [...(route.methods ?? [])].map((m) => m.toUpperCase()).sort().join(',');
      const key = `${pattern} ${methods}`;
      const owner = owners.get(key);
      if (owner !== undefined) {
        ctx.warn(patternAt, 'value', `route '${pattern}' of service '${name}' is already declared by service '${owner}'`, `the first match wins, so '${name}' never gets these requests`);
      } else {
        owners.set(key, name);
      }
    });
  }
}
