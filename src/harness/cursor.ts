import type { Offsets } from './broker-reader.js';

/**
 * A point in a system's history: the Store's event position and the broker's end offsets
 * (per topic and partition) taken together. Waits and queries given `after: cursor` see
 * only what came later, and nothing that came later is missed: the broker's log is read
 * from these offsets, not subscribed to.
 */
export interface Cursor {
  /** the Store's last event seq when the cursor was taken */
  readonly seq: number;
  /** wall clock then (ms since the epoch): an attached Store's events arrive late, so calls are also compared by time */
  readonly ts: number;
  readonly offsets: Offsets;
}

/** The start of everything: waits and queries see the whole retained history. */
export const BEGINNING: Cursor = Object.freeze({ seq: 0, ts: 0, offsets: new Map() });
