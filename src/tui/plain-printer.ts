import type { Bus } from '../core/bus.js';
import { formatEvent } from '../term/format-event.js';
import type { Style } from '../term/colors.js';

/**
 * The view used when stdout is not a terminal (CI) and until the TUI is chosen:
 * one prefixed, coloured line per event worth showing.
 */
export class PlainPrinter {
  readonly #bus: Bus;
  readonly #out: NodeJS.WritableStream;
  readonly #style: Style;
  readonly #prefixWidth: number;
  #unsubscribe: (() => void) | null = null;

  constructor(options: { bus: Bus; out: NodeJS.WritableStream; color: boolean; names: readonly string[] }) {
    this.#bus = options.bus;
    this.#out = options.out;
    this.#style = { enabled: options.color };
    // Width of the widest prefix ("service.N", "devmode", "kafka") so the bars line up.
    this.#prefixWidth = Math.max(7, ...options.names.map((n) => n.length));
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#bus.subscribe((event) => {
      const line = formatEvent(event, this.#style, this.#prefixWidth);
      if (line !== null) this.#out.write(line + '\n');
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
