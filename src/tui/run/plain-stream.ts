import type { Store } from '../../core/store/index.js';
import { formatEvent } from '../../term/format-event.js';
import { paint, type Style } from '../../term/colors.js';

export interface PlainStreamOptions {
  store: Store;
  stdout: NodeJS.WritableStream;
  stdin: NodeJS.ReadStream;
  style: Style;
  prefixWidth: number;
  /** lines of recent output printed first, so what was on screen is in the scrollback */
  backlog: number;
}

/**
 * The TUI handed over to plain output (the terminal's own screen: scrollback, search and
 * copy work as in any program): the recent lines, then every event as the plain printer
 * prints it, until `s` (back, resolves 'back') or `q` / Ctrl-C (resolves 'quit').
 */
export function plainStream(o: PlainStreamOptions): Promise<'back' | 'quit'> {
  const recent = o.store.getSnapshot().logs.merged.items.slice(-o.backlog);
  for (const l of recent) {
    const line = formatEvent({ type: 'log', ref: { service: l.service, instance: l.instance }, stream: l.stream, line: l.text, ts: l.ts }, o.style, o.prefixWidth);
    if (line !== null) o.stdout.write(line + '\n');
  }
  o.stdout.write(paint(o.style, 'gray', '-- devmode: plain output; s: back to the TUI, q: quit --') + '\n');
  const off = o.store.onEvent((event) => {
    const line = formatEvent(event, o.style, o.prefixWidth);
    if (line !== null) o.stdout.write(line + '\n');
  });
  return new Promise((resolve) => {
    const wasRaw = o.stdin.isRaw;
    if (o.stdin.isTTY) o.stdin.setRawMode(true);
    o.stdin.resume();
    const onData = (data: Buffer | string) => {
      const key = String(data);
      const answer = key === 's' || key === '\u001b' ? 'back' : key === 'q' || key === '\u0003' ? 'quit' : null;
      if (!answer) return;
      off();
      o.stdin.off('data', onData);
      if (o.stdin.isTTY) o.stdin.setRawMode(wasRaw);
      resolve(answer);
    };
    o.stdin.on('data', onData);
  });
}
