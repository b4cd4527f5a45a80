import { deferred, type Deferred } from '../../util/deferred.js';

/**
 * A held response (JoinGroup, SyncGroup) that is also released with `onAbort` when the
 * client's connection closes, so the connection layer never waits on a dead request.
 * The coordinator may still settle it later; a settled Deferred ignores that.
 */
export function heldResponse<T>(signal: AbortSignal | undefined, onAbort: () => T): Deferred<T> {
  const held = deferred<T>();
  if (!signal) return held;
  if (signal.aborted) {
    held.resolve(onAbort());
    return held;
  }
  const abort = (): void => held.resolve(onAbort());
  signal.addEventListener('abort', abort, { once: true });
  // Drop the listener once answered: a long-lived connection sends many JoinGroups.
  void held.promise.then(() => signal.removeEventListener('abort', abort));
  return held;
}
