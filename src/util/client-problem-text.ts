/**
 * The one wording of a `broker.client.error` event, shared by `devmode up`'s printer and
 * `devmode kafka`: who (client id, address, service when attributed), what, and what to do.
 * Everything the client sent is escaped (util/printable).
 */
import type { EventOf } from '../core/events/index.js';
import { printable } from './printable.js';

/** `client "id" (127.0.0.1:5555, service order.0): what; what to do` */
export function clientProblemText(e: EventOf<'broker.client.error'>): string {
  const who = e.clientId === null ? 'a client without client id' : `client "${printable(e.clientId)}"`;
  const where = [printable(e.remote)];
  if (e.service !== undefined) where.push(`service ${printable(e.service)}${e.instance !== undefined ? `.${e.instance}` : ''}`);
  const repeats = e.repeats ? ` (${e.repeats} more like it held back)` : '';
  return `${who} (${where.join(', ')}): ${printable(e.message)}${e.closed ? '; connection closed' : ''}${repeats}. ${printable(e.hint)}`;
}
