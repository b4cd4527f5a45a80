/**
 * A real terminal for end-to-end tests of the TUI: devmode runs in a pseudo-terminal
 * (node-pty) and its output is interpreted by a headless xterm, so a test reads the screen
 * a user would see (alternate screen included) and types keys.
 */
import { spawn, type IPty } from 'node-pty';
import xterm from '@xterm/headless';
import { onTestFinished } from 'vitest';
import { DEVMODE } from './devmode-rig.js';
import { killGroupQuietly } from './processes.js';

const { Terminal } = xterm;

export class PtyTerminal {
  readonly pty: IPty;
  readonly term: InstanceType<typeof Terminal>;
  /** everything written, for failure messages */
  raw = '';
  readonly exited: Promise<{ exitCode: number; signal?: number }>;

  constructor(args: string[], cwd: string, size = { cols: 100, rows: 30 }, env: NodeJS.ProcessEnv = {}) {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) childEnv[k] = v;
    // a user's terminal: not CI (the line printer would be chosen), colours unless the test sets NO_COLOR
    delete childEnv.CI;
    delete childEnv.NO_COLOR;
    for (const [k, v] of Object.entries({ TERM: 'xterm-256color', ...env })) if (v !== undefined) childEnv[k] = v;
    this.term = new Terminal({ cols: size.cols, rows: size.rows, allowProposedApi: true, scrollback: 5000 });
    this.pty = spawn(process.execPath, [DEVMODE, ...args], { name: 'xterm-256color', cols: size.cols, rows: size.rows, cwd, env: childEnv });
    this.pty.onData((d) => {
      this.raw += d;
      if (this.raw.length > 2_000_000) this.raw = this.raw.slice(-1_000_000);
      this.term.write(d);
    });
    this.exited = new Promise((resolve) => this.pty.onExit(resolve));
    const pid = this.pty.pid;
    onTestFinished(async () => {
      killGroupQuietly(pid);
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
      this.term.dispose();
    });
  }

  /** The visible screen as text, one line per row (trailing spaces trimmed). */
  screen(): string {
    const b = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < this.term.rows; i++) lines.push(b.getLine(b.viewportY + i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Whether the alternate screen is shown (a full-screen program runs). */
  get alternate(): boolean {
    return this.term.buffer.active.type === 'alternate';
  }

  /** The normal screen's whole buffer, scrollback included. */
  normalText(): string {
    const b = this.term.buffer.normal;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  async until(what: string | RegExp | (() => boolean), timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (typeof what === 'function' ? what() : typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
      if (Date.now() > end) throw new Error(`the terminal never showed ${String(what)}; it shows:\n${s}\n--- last output ---\n${JSON.stringify(this.raw.slice(-1500))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types keys, one at a time (as a person does). */
  async press(...keys: string[]): Promise<void> {
    for (const k of keys) {
      this.pty.write(k);
      await new Promise((r) => setTimeout(r, k === '\u001b' ? 150 : 40));
    }
  }

  /** Whether any cell on the screen has a colour (foreground or background); and whether any is in inverse video. */
  colours(): { coloured: number; inverse: number } {
    const b = this.term.buffer.active;
    let coloured = 0;
    let inverse = 0;
    for (let y = 0; y < this.term.rows; y++) {
      const line = b.getLine(b.viewportY + y);
      if (!line) continue;
      for (let x = 0; x < this.term.cols; x++) {
        const cell = line.getCell(x);
        if (!cell) continue;
        if (!cell.isFgDefault() || !cell.isBgDefault()) coloured++;
        if (cell.isInverse()) inverse++;
      }
    }
    return { coloured, inverse };
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
    this.term.resize(cols, rows);
  }
}

export function devmodeInPty(args: string[], cwd: string, size?: { cols: number; rows: number }, env?: NodeJS.ProcessEnv): PtyTerminal {
  return new PtyTerminal(args, cwd, size, env);
}
