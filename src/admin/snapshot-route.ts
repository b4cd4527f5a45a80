import type { Store, StoreSnapshot } from '../core/store/index.js';

const NO_LOGS = Object.freeze({ byInstance: Object.freeze({}), merged: Object.freeze({ items: Object.freeze([]), dropped: 0, total: 0 }) });
const EMPTY_RING = Object.freeze({ items: Object.freeze([]), dropped: 0, total: 0 });

/**
 * `GET /snapshot`: the Store's whole snapshot, what a remote Store starts from.
 * `?logs=0` leaves the log rings out; `?figures=1` also the tap and the recent events: what
 * a remote Store reads again every second, having folded those from the event stream (the
 * 2,000-call tap made that read cost both processes more than the rest of it).
 */
export function readSnapshot(store: Store, params: URLSearchParams): StoreSnapshot {
  const snapshot = store.getSnapshot();
  const no = (name: string) => ['0', 'false', 'no'].includes(params.get(name) ?? '');
  if (['1', 'true', 'yes'].includes(params.get('figures') ?? '')) return { ...snapshot, logs: NO_LOGS, tap: EMPTY_RING, events: EMPTY_RING };
  if (no('logs')) return { ...snapshot, logs: NO_LOGS };
  return snapshot;
}
