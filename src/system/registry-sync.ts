import type { Bus } from '../core/bus.js';
import type { Registry } from '../locator/registry.js';
import { describeExit } from '../supervisor/index.js';

/**
 * Keeps the locator's registry in step with the supervisor's instance events, so that the
 * gateway and the mesh route only to ready instances and hold calls while one is coming.
 * Returns the unsubscribe function.
 *
 * - starting, backoff (a restart is scheduled): pending, so callers wait (bounded)
 * - ready: routable at the port the event names (a reload swap announces its new port)
 * - exited, crash-loop, stopped: down, with the reason callers see in a 502 body
 */
export function syncRegistry(bus: Bus, registry: Registry, host: string): () => void {
  return bus.on('instance.state', (event) => {
    const { service, instance } = event.ref;
    const known = registry.get(service)?.instances.some((i) => i.instance === instance) ?? false;
    switch (event.state) {
      case 'starting':
      case 'backoff':
        if (!known && event.port !== undefined) registry.upsertInstance({ service, instance, host, port: event.port, state: 'starting' });
        else registry.setState(service, instance, 'starting');
        return;
      case 'ready':
        if (event.port !== undefined) registry.upsertInstance({ service, instance, host, port: event.port, state: 'ready' });
        else registry.setState(service, instance, 'ready');
        return;
      case 'stopping':
      case 'stopped':
        registry.setState(service, instance, 'down', 'stopped');
        return;
      case 'exited':
      case 'crash-loop':
        registry.setState(service, instance, 'down', event.detail ?? (event.exit ? describeExit(event.exit.code, event.exit.signal) : 'exited'));
        return;
    }
  });
}
