import type { DevmodeEvent } from '../../core/events/index.js';
import type { DroppedMarker } from '../../admin/index.js';

/** One line of `GET /events`, or undefined when it is not a JSON object with a `type`. */
export function parseEventLine(line: string): DevmodeEvent | DroppedMarker | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') return value as DevmodeEvent | DroppedMarker;
  } catch {
    // a line cut by a dropped connection
  }
  return undefined;
}
