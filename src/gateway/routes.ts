import type { RouteConfig } from '../config/types.js';

/** One gateway route: a path pattern (config) or a regular expression (a Lagom ACL) leading to a service. */
export interface Route {
  service: string;
  /** the pattern as written (config) or the ACL's regex */
  pattern: string;
  /** upper-case; empty = every method */
  methods: readonly string[];
  stripPrefix: string | null;
  origin: 'config' | 'registration';
}

/** A route matched for a request: where to send it and with which path. */
export interface RouteMatch {
  route: Route;
  /** path and query to forward (after strip_prefix) */
  forwardPath: string;
}

interface Compiled {
  route: Route;
  regex: RegExp;
  /** a path this route matches, to detect overlaps */
  sample: string;
}

/** A syntax problem in a route pattern. */
export class RoutePatternError extends Error {
  override name = 'RoutePatternError';
}

/**
 * Compiles a path pattern: literal segments, `:param` and `*` (one segment), `**` (zero or
 * more trailing segments) and a trailing `*` (one or more trailing segments). A trailing
 * slash on the request is tolerated.
 */
export function compilePattern(pattern: string): { regex: RegExp; sample: string } {
  if (!pattern.startsWith('/')) throw new RoutePatternError(`route '${pattern}' must start with '/'`);
  const segments = pattern.split('/').slice(1);
  let source = '^';
  let sample = '';
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (!last) throw new RoutePatternError(`route '${pattern}': '**' is only allowed as the last segment`);
      source += '(?:/.*)?';
      break;
    }
    if (segment === '*' && last && i > 0) {
      source += '/.+';
      sample += '/x';
      break;
    }
    if (segment === '*' || (segment.startsWith(':') && segment.length > 1)) {
      source += '/[^/]+';
      sample += '/x';
      continue;
    }
    if (/[*:]/.test(segment) && segment !== '') throw new RoutePatternError(`route '${pattern}': segment '${segment}' mixes text with '*' or ':'`);
    source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    sample += `/${segment}`;
  }
  if (!source.endsWith('?') && !source.endsWith('.+')) source += '/?';
  return { regex: new RegExp(`${source}$`), sample: sample || '/' };
}

/** Builds routes from one service's RouteConfig list. */
export function configRoutes(service: string, routes: readonly RouteConfig[]): Route[] {
  return routes.map((r) => ({ service, pattern: r.path, methods: r.methods, stripPrefix: r.stripPrefix, origin: 'config' as const }));
}

/** The gateway's route table: first match wins, in declaration order. */
export class RouteTable {
  readonly #compiled: Compiled[];

  /** Throws RoutePatternError naming the bad route. */
  constructor(routes: readonly Route[]) {
    this.#compiled = routes.map((route) => {
      if (route.origin === 'registration') {
        const sample = route.pattern.replace(/\\(.)/g, '$1').replace(/[.][*+]|[\^$?()|[\]{}]/g, '') || '/';
        return { route, regex: new RegExp(`^(?:${route.pattern})$`), sample };
      }
      return { route, ...compilePattern(route.pattern) };
    });
  }

  get routes(): Route[] {
    return this.#compiled.map((c) => c.route);
  }

  /**
   * The first route matching path and method. When the path matches only under other
   * methods, `allowed` lists them (for a 405).
   */
  match(method: string, url: string): RouteMatch | { allowed: string[] } | undefined {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const allowed = new Set<string>();
    for (const c of this.#compiled) {
      if (!c.regex.test(path)) continue;
      if (!methodMatches(c.route.methods, method)) {
        for (const m of c.route.methods) allowed.add(m);
        continue;
      }
      return { route: c.route, forwardPath: strip(url, path, c.route.stripPrefix) };
    }
    return allowed.size > 0 ? { allowed: [...allowed] } : undefined;
  }

  /** Pairs of routes of different services that can match the same request (earlier one wins). */
  overlaps(): [Route, Route][] {
    const out: [Route, Route][] = [];
    for (const [i, a] of this.#compiled.entries()) {
      for (const b of this.#compiled.slice(i + 1)) {
        if (a.route.service === b.route.service) continue;
        if (!methodsIntersect(a.route.methods, b.route.methods)) continue;
        if (a.regex.test(b.sample) || b.regex.test(a.sample)) out.push([a.route, b.route]);
      }
    }
    return out;
  }
}

function methodMatches(methods: readonly string[], method: string): boolean {
  if (methods.length === 0) return true;
  return methods.includes(method) || (method === 'HEAD' && methods.includes('GET'));
}

function methodsIntersect(a: readonly string[], b: readonly string[]): boolean {
  return a.length === 0 || b.length === 0 || a.some((m) => b.includes(m));
}

/** Removes `prefix` (at a segment boundary) from the path, keeping the query. */
function strip(url: string, path: string, prefix: string | null): string {
  if (!prefix) return url;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (path !== p && !path.startsWith(`${p}/`)) return url;
  const rest = url.slice(p.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** One line describing a route, for notices and 404 bodies. */
export function describeRoute(route: Route): string {
  const methods = route.methods.length > 0 ? `${route.methods.join(',')} ` : '';
  return `${methods}${route.pattern} -> ${route.service}`;
}
