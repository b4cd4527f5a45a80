/**
 * The TUI's state and behaviour, outside React: it owns the UI state, turns keys into
 * state changes and commands (SystemControl), and derives frames from the Store's snapshot
 * on demand (memoised: the same snapshot, UI state and size give the same frame object).
 * The App component only asks it for a frame on its tick and draws it.
 */
import type { CallHeadersView, FaultRuleInput, SystemControl } from '../../core/contracts.js';
import type { Store, StoreSnapshot } from '../../core/store/index.js';
import type { CallLinks, CapturedCall } from '../derive/call-detail.js';
import { FrameDeriver, type Frame } from '../derive/frame.js';
import { serviceRows } from '../derive/services.js';
import { filteredTap, selectedIndex } from '../derive/tap.js';
import { topItems } from '../derive/top.js';
import type { KeyPress } from './key.js';
import { handleKey } from './keys.js';
import { TraceIndex } from './trace-index.js';
import { initialUi, type Prompt, type UiState } from './ui-state.js';

/** What the controller needs from the terminal side (the ink app): leave, or lend the terminal out. */
export interface TerminalHost {
  exit(): void;
  /** Hands the terminal over (Ink leaves the alternate screen, raw mode off) while `work` runs. */
  suspend(work: () => Promise<void>): Promise<void>;
}

export interface TuiControllerOptions {
  store: Store;
  control: SystemControl;
  /** opens text in the user's pager (the terminal is suspended meanwhile) */
  pager?: (text: string) => Promise<void>;
  /** plain streaming until the user comes back; resolves 'quit' when they asked to quit from there */
  plainStream?: () => Promise<'back' | 'quit'>;
  /** clears the terminal and draws the whole frame again (Ctrl-L: something else wrote on the screen) */
  redraw?: () => void;
  now?: () => number;
  /** false when the terminal must get no colours (NO_COLOR); default true */
  color?: boolean;
  /** false in `devmode up`'s own TUI: the header reads as the system's, not "attached to"; default true */
  attached?: boolean;
}

const NOTICE_MS = 6000;
const TAIL_RECORDS = 12;
/** calls whose headers were read are remembered up to this many (then forgotten, read again if selected) */
const HEADERS_KEPT = 200;

export class TuiController {
  readonly store: Store;
  readonly control: SystemControl;
  readonly ui: UiState = initialUi();
  readonly #options: TuiControllerOptions;
  readonly #deriver = new FrameDeriver();
  readonly #traces: TraceIndex;
  readonly #listeners = new Set<() => void>();
  #host: TerminalHost | null = null;
  #uiVersion = 0;
  #cache: { key: string; frame: Frame } | null = null;
  /** the last frame handed out and its content, to hand out the same object while nothing on screen changes */
  #shown: { text: string; frame: Frame } | null = null;
  #captured: Map<string, CapturedCall> | null = null;
  #captureEdges: { caller: string; callee: string }[] = [];
  /** headers read for selected calls, by call id (null: devmode no longer keeps them) */
  readonly #headers = new Map<string, CallHeadersView | null>();
  #headersReading: string | null = null;
  #tailTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: TuiControllerOptions) {
    this.#options = options;
    this.store = options.store;
    this.control = options.control;
    this.#traces = new TraceIndex(options.store);
  }

  now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  attach(host: TerminalHost): void {
    this.#host = host;
    // The topic tail and the captured exchanges are asked for, not pushed: read them about once a second while shown.
    this.#tailTimer = setInterval(() => void this.refreshAsync(), 1000);
    this.#tailTimer.unref?.();
    void this.refreshAsync();
  }

  close(): void {
    this.#closed = true;
    if (this.#tailTimer) clearInterval(this.#tailTimer);
    this.#traces.close();
    this.#listeners.clear();
  }

  /** Called when the UI changed because of a key or a command's answer: draw now, not at the next tick. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The frame for this size: the cached one unless the snapshot, the UI or the second changed. */
  frame(width: number, height: number): Frame {
    const s = this.store.getSnapshot();
    const now = this.now();
    const key = `${s.version}/${this.#uiVersion}/${this.#traces.version}/${width}x${height}/${Math.floor(now / 1000)}`;
    if (this.#cache?.key === key) return this.#cache.frame;
    this.clampSelections(s);
    let frame = this.#deriver.frame(s, this.ui, this.links(s), width, height, now, { color: this.#options.color ?? true, attached: this.#options.attached ?? true });
    // The Store's version moves with every event, the screen far less often (a view whose
    // figures change once a second, logs of a quiet service): the same object for the same
    // content lets React skip the render, and Ink its layout and output (a few ms a frame,
    // against ~0.1 ms for this comparison).
    const text = JSON.stringify(frame);
    if (this.#shown?.text === text) frame = this.#shown.frame;
    else this.#shown = { text, frame };
    this.#cache = { key, frame };
    return frame;
  }

  changed(): void {
    this.#uiVersion++;
    for (const l of [...this.#listeners]) l();
  }

  key(k: KeyPress): void {
    if (this.#closed) return;
    // Keys typed quickly (or on a busy machine) can arrive in one read: "1f" is two keys,
    // except in a text prompt, where it is text.
    const chars = [...k.input];
    if (chars.length > 1 && this.ui.prompt?.kind !== 'text' && !k.ctrl && /^[\x20-\x7e]+$/.test(k.input)) {
      for (const input of chars) handleKey(this, { input });
    } else handleKey(this, k);
    this.changed();
    // a call selected (or another one): its headers are read at once, not at the next second
    if (this.ui.view === 'traffic' && this.ui.traffic.detail) void this.refreshHeaders().catch(() => {});
  }

  quit(): void {
    this.#host?.exit();
  }

  redraw(): void {
    this.#options.redraw?.();
  }

  /** The Logs view's entries as shown now (scrolling moves through them). */
  frameEntries() {
    return this.#deriver.logs.entries(this.store.getSnapshot(), this.ui.logs);
  }

  // --- prompts and notices

  prompt(p: Prompt | null): void {
    this.ui.prompt = p;
  }

  notice(text: string, level: 'info' | 'error' = 'info'): void {
    this.ui.notice = { text, level, until: this.now() + NOTICE_MS };
    this.changed();
  }

  /** Runs a command, shows what came of it (the error's message and hint when it failed). */
  command<T>(what: string, run: () => Promise<T>, done: (result: T) => string = () => `${what}: done`): void {
    this.notice(`${what}…`);
    run().then(
      (result) => this.notice(done(result)),
      (error: unknown) => {
        const e = error as { message?: string; hint?: string };
        this.notice(`${what} failed: ${e.message ?? String(error)}${e.hint ? ` (${e.hint})` : ''}`, 'error');
      },
    );
  }

  // --- selections

  selectedService(): string | null {
    const rows = serviceRows(this.store.getSnapshot());
    return rows[this.ui.services.selected]?.service.name ?? null;
  }

  selectedCall() {
    const s = this.store.getSnapshot();
    const tap = filteredTap(s, this.ui.traffic);
    return tap[selectedIndex(tap, this.ui.traffic.selectedSeq)] ?? null;
  }

  selectedEdge(): { caller: string; callee: string } | null {
    const s = this.store.getSnapshot();
    if (this.ui.traffic.mode === 'top') {
      const item = topItems(s)[this.ui.traffic.topSelected];
      return item ? { caller: item.caller, callee: item.callee } : null;
    }
    // the topology table selects nothing: a key must not act on the tap's hidden selection
    if (this.ui.traffic.mode === 'topology') return null;
    const call = this.selectedCall();
    return call ? { caller: call.caller.service, callee: call.callee.service } : null;
  }

  clampSelections(s: StoreSnapshot): void {
    const clamp = (n: number, len: number) => Math.max(0, Math.min(n, len - 1));
    this.ui.services.selected = clamp(this.ui.services.selected, serviceRows(s).length);
    this.ui.topics.selected = clamp(this.ui.topics.selected, s.broker.topics.length);
    this.ui.faults.selected = clamp(this.ui.faults.selected, s.faults.length);
    this.ui.traffic.topSelected = clamp(this.ui.traffic.topSelected, topItems(s).length);
  }

  // --- the fault form: target, then action, then its value

  faultForm(target: { caller: string; callee: string }): void {
    const set = (input: FaultRuleInput, label: string) => this.command(`fault ${target.caller} -> ${target.callee}: ${label}`, () => this.control.setFault({ caller: target.caller, callee: target.callee, ...input }));
    const ask = (label: string, initial: string, submit: (text: string) => void) => this.prompt({ kind: 'text', label, text: initial, submit });
    this.prompt({
      kind: 'choice',
      label: `fault ${target.caller} -> ${target.callee}`,
      choices: { d: 'delay', e: 'error', a: 'abort', c: 'cut' },
      choose: (k) => {
        if (k === 'd') ask('delay (e.g. 500ms, 2s)', '500ms', (t) => set({ delay: t.trim() }, `delay ${t.trim()}`));
        else if (k === 'e') ask('answer with status', '503', (t) => set({ status: Number(t.trim()) }, `status ${t.trim()}`));
        else if (k === 'a') set({ abort: true }, 'abort');
        else if (k === 'c') set({ cut: true }, 'cut');
      },
    });
  }

  /** Fault on a target typed as `caller -> callee` (the Faults view's `f`). */
  faultFormTyped(): void {
    this.prompt({
      kind: 'text',
      label: 'fault on (caller -> callee, * for any)',
      text: '',
      submit: (t) => {
        const m = /^\s*([\w.*-]+)\s*->\s*([\w.*-]+)\s*$/.exec(t);
        if (!m) return this.notice(`"${t}" is not "caller -> callee" (e.g. gateway -> order, * -> user)`, 'error');
        this.faultForm({ caller: m[1]!, callee: m[2]! });
      },
    });
  }

  produceForm(topic: string): void {
    this.prompt({
      kind: 'text',
      label: `produce to ${topic}: key (empty: none)`,
      text: '',
      submit: (key) =>
        this.prompt({
          kind: 'text',
          label: `value`,
          text: '',
          submit: (value) =>
            this.command(
              `produce to ${topic}`,
              async () => {
                const at = await this.control.produce({ topic, key: key === '' ? null : key, value });
                void this.refreshAsync();
                return at;
              },
              (at) => `produced to ${at.topic}[${at.partition}] @${at.offset}`,
            ),
        }),
    });
  }

  toggleCapture(): void {
    const edge = this.selectedEdge();
    if (!edge) return this.notice('select a call or an edge first', 'error');
    const on = this.#captureEdges.some((e) => e.caller === edge.caller && e.callee === edge.callee);
    this.command(`capture ${on ? 'off' : 'on'} for ${edge.caller} -> ${edge.callee}`, async () => {
      if (on) await this.control.captureOff(edge);
      else await this.control.captureOn(edge);
      await this.refreshCaptured();
    });
  }

  // --- the terminal handed over: pager, plain stream

  openPager(): void {
    const pager = this.#options.pager;
    const host = this.#host;
    if (!pager || !host) return this.notice('no pager here', 'error');
    const s = this.store.getSnapshot();
    const text = this.#deriver.pagerText(s, this.ui, this.links(s), 200, this.now());
    void host.suspend(() => pager(text)).catch((error: unknown) => this.notice(`pager failed: ${String(error)}`, 'error'));
  }

  plainStream(): void {
    const stream = this.#options.plainStream;
    const host = this.#host;
    if (!stream || !host) return this.notice('plain output is not available here', 'error');
    let quit = false;
    void host
      .suspend(async () => {
        quit = (await stream()) === 'quit';
      })
      .then(() => (quit ? this.quit() : this.changed()));
  }

  // --- what is read on demand

  links(s: StoreSnapshot): CallLinks {
    const call = this.ui.view === 'traffic' && this.ui.traffic.detail ? this.selectedCall() : null;
    const capturing = call !== null && this.#captureEdges.some((e) => (e.caller === '*' || e.caller === call.caller.service) && (e.callee === '*' || e.callee === call.callee.service));
    void s;
    return {
      messages: this.#traces.messages(),
      captured: !call || !capturing ? undefined : (this.#captured?.get(call.id) ?? null),
      headers: call ? this.#headers.get(call.id) : undefined,
    };
  }

  async refreshAsync(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.ui.view === 'topics') await this.refreshTail();
      if (this.ui.view === 'traffic' && this.ui.traffic.detail) await Promise.all([this.refreshHeaders(), this.refreshCaptured()]);
    } catch {
      // shown where it matters (the tail keeps its error); a failed read is tried again next second
    }
  }

  async refreshTail(): Promise<void> {
    const topic = this.store.getSnapshot().broker.topics[this.ui.topics.selected];
    if (!topic) return;
    try {
      const parts = await Promise.all(topic.partitions.map(async (p) => (await this.control.recentRecords(topic.name, p.partition, TAIL_RECORDS)).map((r) => ({ ...r, partition: p.partition }))));
      const records = parts.flat().sort((a, b) => a.timestamp - b.timestamp || a.offset - b.offset).slice(-TAIL_RECORDS);
      this.ui.topics.tail = { topic: topic.name, records, error: null };
    } catch (error) {
      this.ui.topics.tail = { topic: topic.name, records: [], error: (error as Error).message };
    }
    this.changed();
  }

  /** Reads the selected call's headers once (they do not change); a failed read is tried again on the next refresh. */
  async refreshHeaders(): Promise<void> {
    const call = this.selectedCall();
    if (!call || this.#headers.has(call.id) || this.#headersReading === call.id) return;
    this.#headersReading = call.id;
    try {
      const headers = await this.control.callHeaders(call.id);
      if (this.#headers.size >= HEADERS_KEPT) this.#headers.clear();
      this.#headers.set(call.id, headers);
      this.changed();
    } finally {
      if (this.#headersReading === call.id) this.#headersReading = null;
    }
  }

  async refreshCaptured(): Promise<void> {
    const view = await this.control.captured();
    this.#captureEdges = view.enabled;
    this.#captured = new Map((view.exchanges as (CapturedCall & { id: string })[]).map((x) => [x.id, x]));
    this.changed();
  }
}
