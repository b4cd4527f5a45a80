import type { Endpoint } from '../core/events/index.js';

/**
 * One frozen Endpoint per service and instance, for the events of calls. An event lives
 * for seconds in the Store's rings; a fresh `{ service, instance }` per call was one more
 * object for every young-generation GC to copy, and the same value each time.
 */
export class Endpoints {
  readonly #byService = new Map<string, Map<number | null, Endpoint>>();

  of(service: string, instance: number | null): Endpoint {
    let byInstance = this.#byService.get(service);
    if (!byInstance) this.#byService.set(service, (byInstance = new Map()));
    let endpoint = byInstance.get(instance);
    if (!endpoint) byInstance.set(instance, (endpoint = Object.freeze({ service, instance })));
    return endpoint;
  }
}
