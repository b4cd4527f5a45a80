import { describe, expect, it } from 'vitest';
import { compilePattern, RoutePatternError, RouteTable, type Route } from '../../../src/gateway/routes.js';

const route = (service: string, pattern: string, methods: string[] = [], stripPrefix: string | null = null): Route => ({
  service,
  pattern,
  methods,
  stripPrefix,
  origin: 'config',
});

function target(table: RouteTable, method: string, url: string): string | undefined {
  const m = table.match(method, url);
  if (!m) return undefined;
  if ('allowed' in m) return `405 ${m.allowed.join(',')}`;
  return `${m.route.service} ${m.forwardPath}`;
}

describe('compilePattern', () => {
  it.each([
    ['/api/orders', '/api/orders', true],
    ['/api/orders', '/api/orders/', true],
    ['/api/orders', '/api/orders/1', false],
    ['/api/orders', '/api/order', false],
    ['/api/orders/:id', '/api/orders/42', true],
    ['/api/orders/:id', '/api/orders/', false],
    ['/api/orders/:id', '/api/orders/42/items', false],
    ['/api/*/items', '/api/x/items', true],
    ['/api/*/items', '/api/x/y/items', false],
    ['/api/**', '/api', true],
    ['/api/**', '/api/a/b/c', true],
    ['/api/**', '/apix', false],
    ['/api/*', '/api/a/b', true],
    ['/api/*', '/api', false],
    ['/a.b', '/axb', false],
    ['/**', '/', true],
    ['/**', '/anything/at/all', true],
  ])('%s against %s → %s', (pattern, path, expected) => {
    expect(compilePattern(pattern).regex.test(path)).toBe(expected);
  });

  it('rejects malformed patterns with a message naming the route', () => {
    expect(() => compilePattern('api')).toThrow(RoutePatternError);
    expect(() => compilePattern('/a/**/b')).toThrow(/only allowed as the last segment/);
    expect(() => compilePattern('/a/b*')).toThrow(/mixes text/);
  });
});

describe('RouteTable', () => {
  const table = new RouteTable([
    route('order', '/api/orders', ['POST']),
    route('order-read', '/api/orders/**', ['GET']),
    route('user', '/api/users/:id'),
    route('legacy', '/legacy/**', [], '/legacy'),
    route('catch', '/api/**'),
  ]);

  it('matches in declaration order, by method', () => {
    expect(target(table, 'POST', '/api/orders')).toBe('order /api/orders');
    expect(target(table, 'GET', '/api/orders')).toBe('order-read /api/orders');
    expect(target(table, 'GET', '/api/orders/7?x=1')).toBe('order-read /api/orders/7?x=1');
    expect(target(table, 'HEAD', '/api/orders/7')).toBe('order-read /api/orders/7');
    expect(target(table, 'DELETE', '/api/orders/7')).toBe('catch /api/orders/7');
    expect(target(table, 'GET', '/api/users/3')).toBe('user /api/users/3');
    expect(target(table, 'GET', '/nothing')).toBeUndefined();
  });

  it('strips a prefix at a segment boundary and keeps the query', () => {
    expect(target(table, 'GET', '/legacy/a/b?q=1')).toBe('legacy /a/b?q=1');
    expect(target(table, 'GET', '/legacy')).toBe('legacy /');
    expect(target(table, 'GET', '/legacy?q=1')).toBe('legacy /?q=1');
  });

  it('reports the allowed methods when only the method differs', () => {
    const t = new RouteTable([route('a', '/x', ['GET']), route('b', '/x', ['PUT'])]);
    expect(target(t, 'POST', '/x')).toBe('405 GET,PUT');
  });

  it('finds overlaps between services, not within one', () => {
    const pairs = table.overlaps().map(([a, b]) => `${a.service}:${a.pattern} ~ ${b.service}:${b.pattern}`);
    expect(pairs).toContain('order:/api/orders ~ catch:/api/**');
    expect(pairs).toContain('user:/api/users/:id ~ catch:/api/**');
    // different methods cannot overlap
    expect(pairs).not.toContain('order:/api/orders ~ order-read:/api/orders/**');
    expect(pairs.some((p) => p.startsWith('legacy'))).toBe(false);
  });

  it('routes registration ACLs by anchored regex', () => {
    const t = new RouteTable([{ service: 'hello', pattern: '/hello/.*', methods: ['GET'], stripPrefix: null, origin: 'registration' }]);
    expect(target(t, 'GET', '/hello/world')).toBe('hello /hello/world');
    expect(target(t, 'GET', '/x/hello/world')).toBeUndefined();
    expect(target(t, 'POST', '/hello/world')).toBe('405 GET');
  });
});
