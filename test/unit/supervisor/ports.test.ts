import { expect, test } from 'vitest';
import { derivePort, DERIVED_PORT_MAX, DERIVED_PORT_MIN } from '../../../src/net/ports.js';

test('derived ports are stable, in their range (below the ephemeral ports), and differ between services', () => {
  expect(derivePort('shop', 'order')).toBe(derivePort('shop', 'order'));
  const ports = ['order', 'user', 'shipping', 'billing', 'search', 'cart'].map((s) => derivePort('shop', s));
  for (const p of ports) {
    expect(p).toBeGreaterThanOrEqual(DERIVED_PORT_MIN);
    expect(p).toBeLessThanOrEqual(DERIVED_PORT_MAX);
  }
  expect(new Set(ports).size).toBe(ports.length);
  expect(derivePort('shop', 'order')).not.toBe(derivePort('other', 'order'));
  expect(derivePort('shop', 'order', 1)).toBe(derivePort('shop', 'order') + 1);
  // pinned: a change here changes every user's bookmarks
  expect(derivePort('shop', 'order')).toMatchInlineSnapshot(`28714`);
});

test('the spread over the range is even enough', () => {
  const buckets = new Array<number>(8).fill(0);
  for (let i = 0; i < 4_000; i++) {
    const p = derivePort('sys', `service-${i}`);
    const b = Math.floor(((p - DERIVED_PORT_MIN) / (DERIVED_PORT_MAX - DERIVED_PORT_MIN + 1)) * 8);
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  for (const count of buckets) expect(count).toBeGreaterThan(350); // 500 expected per bucket
});

test('instance ports wrap within the range', () => {
  // find a service whose instance 0 sits at the top of the range
  let name = '';
  for (let i = 0; !name; i++) if (derivePort('wrap', `s${i}`) === DERIVED_PORT_MAX) name = `s${i}`;
  expect(derivePort('wrap', name, 1)).toBe(DERIVED_PORT_MIN);
});
