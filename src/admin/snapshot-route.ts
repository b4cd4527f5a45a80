import type { Store, StoreSnapshot } from '../core/store/index.js';

const NO_LOGS = Object.freeze({ byInstance: Object.freeze({}), merged: Object.freeze({ items: Object.freeze([]), dropped: 0, total: 0 }) });

/**
 * `GET /snapshot`: the Store's whole snapshot, what a remote Store starts from.
 * `?logs=0` leaves the log rings out (the remote Store's periodic refresh of the figures).
 */
export function readSnapshot(store: Store, params: URLSearchParams): StoreSnapshot {
  const snapshot = store.getSnapshot();
  if (['0', 'false', 'no'].includes(params.get('logs') ?? '')) return { ...snapshot, logs: NO_LOGS };
  return snapshot;
}
