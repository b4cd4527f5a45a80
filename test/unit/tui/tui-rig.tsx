/**
 * Renders the TUI's App over a prepared Store (ink-testing-library) at a given terminal
 * size, with a SystemControl that records the commands it is given.
 */
import { render } from 'ink-testing-library';
import { onTestFinished } from 'vitest';
import type { CallHeadersView, CapturedView, FaultRuleInput, FaultRuleView, ProduceInput, RecordView, SystemControl } from '../../../src/core/contracts.js';
import type { Store } from '../../../src/core/store/index.js';
import { App } from '../../../src/tui/components/App.js';
import { TuiController } from '../../../src/tui/state/controller.js';

export const KEY = { up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', left: '\u001B[D', enter: '\r', esc: '\u001B', backspace: '\u007F', pageUp: '\u001B[5~', pageDown: '\u001B[6~', end: '\u001B[F', tab: '\t' } as const;

/** A SystemControl that records calls; `fail` makes the next call reject as a real one does. */
export class RecordingControl implements SystemControl {
  readonly calls: [string, ...unknown[]][] = [];
  records: RecordView[] = [];
  fail: { message: string; hint?: string } | null = null;
  #answer<T>(name: string, args: unknown[], value: T): Promise<T> {
    this.calls.push([name, ...args]);
    const f = this.fail;
    this.fail = null;
    return f ? Promise.reject(Object.assign(new Error(f.message), { userError: true, status: 400, hint: f.hint })) : Promise.resolve(value);
  }
  restart(s: string) { return this.#answer('restart', [s], undefined); }
  stop(s: string) { return this.#answer('stop', [s], undefined); }
  start(s: string) { return this.#answer('start', [s], undefined); }
  setFault(r: FaultRuleInput) { return this.#answer<FaultRuleView>('setFault', [r], { id: 'rule-1', source: 'runtime', caller: r.caller ?? '*', callee: r.callee ?? '*', path: '*', methods: [], percent: 100, action: 'x', hits: 0 }); }
  clearFault(id: string) { return this.#answer('clearFault', [id], true); }
  clearFaults() { return this.#answer('clearFaults', [], undefined); }
  brokerDown() { return this.#answer<FaultRuleView>('brokerDown', [], { id: 'broker-down', source: 'runtime', caller: '*', callee: 'kafka', path: '*', methods: [], percent: 100, action: 'broker down', hits: 0 }); }
  brokerUp() { return this.#answer('brokerUp', [], undefined); }
  produce(m: ProduceInput) { return this.#answer('produce', [m], { topic: m.topic, partition: 0, offset: 7 }); }
  recentRecords(topic: string, partition: number, limit: number) { return this.#answer('recentRecords', [topic, partition, limit], partition === 0 ? this.records : []); }
  captureOn(t: { caller?: string; callee?: string }) { return this.#answer('captureOn', [t], undefined); }
  captureOff(t?: { caller?: string; callee?: string }) { return this.#answer('captureOff', [t], undefined); }
  captured() { return this.#answer<CapturedView>('captured', [], { enabled: [], exchanges: [] }); }
  /** what callHeaders answers, by call id */
  headers = new Map<string, CallHeadersView>();
  callHeaders(id: string) { return this.#answer('callHeaders', [id], this.headers.get(id) ?? null); }
  named(name: string) { return this.calls.filter((c) => c[0] === name); }
}

export interface Tui {
  controller: TuiController;
  control: RecordingControl;
  /** the last frame drawn */
  screen(): string;
  frames(): string[];
  press(...keys: string[]): Promise<void>;
  /** waits until the screen contains `text` (or matches), failing with the screen */
  until(text: string | RegExp, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
}

export async function renderTui(store: Store, size: { columns: number; rows: number } = { columns: 80, rows: 24 }, options: { color?: boolean; attached?: boolean; control?: SystemControl; now?: () => number } = {}): Promise<Tui> {
  const { control: given, ...look } = options;
  // a real SystemControl (a running system's) when given; `tui.control`'s records are then empty
  const control = (given ?? new RecordingControl()) as RecordingControl;
  const controller = new TuiController({ store, control, now: () => store.getSnapshot().ts, ...look });
  const ink = render(<App controller={controller} size={size} />);
  onTestFinished(() => {
    ink.unmount();
    controller.close();
  });
  // ink-testing-library's stdout has a fixed width: the size is given to the App (the pty test resizes a real terminal)
  const resize = (columns: number, rows: number) => ink.rerender(<App controller={controller} size={{ columns, rows }} />);
  const screen = () => ink.lastFrame() ?? '';
  const tui: Tui = {
    controller,
    control,
    screen,
    frames: () => ink.frames,
    async press(...keys) {
      for (const k of keys) {
        ink.stdin.write(k);
        // a lone Esc is held by Ink's input parser until it knows no sequence follows
        await pause(k === KEY.esc ? 120 : 15);
      }
      await pause(40);
    },
    async until(text, timeoutMs = 3000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const s = screen();
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
        if (Date.now() > end) throw new Error(`the screen never showed ${String(text)}; it shows:\n${s}`);
        await pause(20);
      }
    },
    resize,
  };
  await tui.until(/Services/);
  await pause(50);
  return tui;
}

export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Every line of the screen fits the width, and there are exactly `rows` lines. */
export function fitsIn(screen: string, columns: number, rows: number): { lines: number; widest: number } {
  const lines = screen.split('\n');
  // eslint-disable-next-line no-control-regex
  const widest = Math.max(...lines.map((l) => [...l.replace(/\u001b\[[0-9;]*m/g, '')].length));
  void columns;
  void rows;
  return { lines: lines.length, widest };
}
