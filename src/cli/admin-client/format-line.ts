import type { DevmodeEvent, Endpoint } from '../../core/events/index.js';
import { formatEvent } from '../../term/format-event.js';
import { paint, type Style } from '../../term/colors.js';
import type { DroppedMarker } from '../../admin/index.js';

/**
 * One readable line for `devmode events`: the plain printer's text where it has one, and
 * lines for what it leaves out (traffic, appends), since here the user asked for them.
 */
export function formatStreamLine(event: DevmodeEvent | DroppedMarker, style: Style, width: number): string {
  if (event.type === 'admin.dropped') return paint(style, 'yellow', `(${event.count} events dropped: this terminal read them too slowly)`);
  const common = formatEvent(event, style, width);
  if (common !== null) return common;
  const head = (label: string) => paint(style, 'gray', `${label.padEnd(width)} |`) + ' ';
  switch (event.type) {
    case 'http.exchange': {
      const status = paint(style, event.status >= 500 ? 'red' : event.status >= 400 ? 'yellow' : 'green', String(event.status));
      return `${head('http')}${endpoint(event.caller)} -> ${endpoint(event.callee)} ${event.method} ${event.path} ${status} ${event.durationMs.toFixed(1)} ms${event.error ? paint(style, 'gray', ` (${event.error})`) : ''}`;
    }
    case 'ws.opened':
      return `${head('ws')}${endpoint(event.caller)} -> ${endpoint(event.callee)} ${event.path} opened [${event.id}]`;
    case 'ws.closed':
      return `${head('ws')}[${event.id}] closed${event.code !== null ? ` (${event.code})` : ''}: ${event.framesOut} frames out, ${event.framesIn} in`;
    case 'ws.frame': {
      const arrow = event.direction === 'in' ? `${endpoint(event.caller)} -> ${endpoint(event.callee)}` : `${endpoint(event.callee)} -> ${endpoint(event.caller)}`;
      const body = event.opcode === 'close' ? `close ${event.code ?? ''}` : `${event.opcode} ${event.size} B: ${event.preview}${event.truncated ? '…' : ''}`;
      return `${head('ws')}[${event.id}] ${arrow} ${body}`;
    }
    case 'broker.append':
      return `${head('kafka')}${event.topic}/${event.partition} +${event.count} at ${event.baseOffset} (${event.bytes} B${event.clientId ? ` from ${event.clientId}` : ''})`;
    case 'broker.stopped':
      return `${head('kafka')}broker stopped`;
    default:
      return `${head(event.type)}${JSON.stringify(event)}`;
  }
}

function endpoint(e: Endpoint): string {
  return e.instance === null ? e.service : `${e.service}.${e.instance}`;
}
