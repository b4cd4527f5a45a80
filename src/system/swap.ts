import type { Registry } from '../locator/registry.js';
import { allocatePort } from '../net/ports.js';
import type { InstanceSlot } from '../supervisor/index.js';
import { deferred } from '../util/deferred.js';

/**
 * A reload by swap: starts the new version of each instance of a service on a fresh port;
 * every new instance waits at a barrier until all are ready, then all take over at once
 * (the registry points at them: the next call goes there), so callers never see two
 * versions alternate; the old ones drain for `drainMs` and stop. If one new instance fails,
 * all are abandoned and the old version keeps serving (the returned promise rejects).
 * Returns the retirements under way, for stop() to wait on.
 */
export async function swapService(options: {
  service: string;
  slots: readonly InstanceSlot[];
  registry: Registry;
  /** ports handed out in this run: the new ones are added, the old ones freed once retired */
  reserved: Set<number>;
  drainMs: number;
}): Promise<Promise<void>[]> {
  const { slots, reserved } = options;
  const allReady = deferred<void>();
  allReady.promise.catch(() => {}); // a failure is reported through replace()'s rejection
  let readyCount = 0;
  const barrier = () => {
    if (++readyCount === slots.length) allReady.resolve();
    return allReady.promise;
  };
  const outcomes = await Promise.allSettled(
    slots.map(async (slot) => {
      const oldPort = slot.port;
      const port = await allocatePort({ preferred: oldPort, fixed: false, reserved });
      try {
        const handle = await slot.replace({ port, beforeTakeover: barrier });
        return { slot, oldPort, handle };
      } catch (error) {
        reserved.delete(port);
        allReady.reject(error);
        throw error;
      }
    }),
  );
  const retiring: Promise<void>[] = [];
  for (const o of outcomes) {
    if (o.status !== 'fulfilled') continue;
    const { slot, oldPort, handle } = o.value;
    options.registry.swapInstance(options.service, slot.ref.instance, { port: handle.port });
    retiring.push(handle.retireOld(options.drainMs).finally(() => reserved.delete(oldPort)));
  }
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return retiring;
}
