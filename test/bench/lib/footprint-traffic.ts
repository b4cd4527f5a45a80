/**
 * Mixed traffic for the sample shop through its gateway, as a user clicking around would
 * make it: orders placed (order publishes each to Kafka, user consumes them), users' order
 * histories read, shipments asked for orders placed a moment ago (shipping asks user over
 * HTTP and streams updates to it over a WebSocket) and read back.
 */
import { performance } from 'node:perf_hooks';
import type { RequestSpec } from './mesh-load.js';

/** How old an order must be before a shipment is asked for it (user must have consumed it). */
const SHIP_AFTER_MS = 1000;
const USERS = 20;

/** A `next`/`onAnswer` pair for FixedRateLoad, and what the answers were. */
export class ShopTraffic {
  readonly #orders: { id: string; at: number }[] = [];
  readonly #shipments: string[] = [];
  /** "METHOD route -> status": count */
  readonly statuses = new Map<string, number>();
  #i = 0;

  next = (): RequestSpec => {
    const i = this.#i++;
    const user = `bench-${i % USERS}`;
    switch (i % 4) {
      case 0:
        return { method: 'POST', path: '/api/orders', body: JSON.stringify({ userId: user, items: [{ sku: 'tea', qty: 1 + (i % 3) }] }) };
      case 1:
        return { method: 'GET', path: `/api/users/${user}/orders` };
      case 2: {
        const order = this.#orders[0];
        if (order && performance.now() - order.at > SHIP_AFTER_MS) {
          this.#orders.shift();
          return { method: 'POST', path: '/api/shipments', body: JSON.stringify({ orderId: order.id }) };
        }
        return { method: 'GET', path: `/api/users/${user}` };
      }
      default: {
        const shipment = this.#shipments[i % Math.max(1, this.#shipments.length)];
        return shipment ? { method: 'GET', path: `/api/shipments/${shipment}` } : { method: 'GET', path: `/api/users/${user}` };
      }
    }
  };

  onAnswer = (spec: RequestSpec, status: number, body: string): void => {
    const route = spec.path.replace(/\/api\/(users|orders|shipments)\/[^/]+/, '/api/$1/:id');
    const key = `${spec.method} ${route} -> ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (status !== 201) return;
    try {
      const id = (JSON.parse(body) as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      if (spec.path === '/api/orders') this.#orders.push({ id, at: performance.now() });
      // Keep the last few hundred: reading them back is the point, not remembering all.
      else if (spec.path === '/api/shipments') this.#shipments.push(id) > 500 && this.#shipments.shift();
    } catch {
      // not JSON: counted above, nothing to remember
    }
  };
}
