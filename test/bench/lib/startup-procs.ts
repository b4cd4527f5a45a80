/**
 * Child processes for the start-up and reload benchmarks: each runs in its own process
 * group (so a signal reaches everything it spawned), its output comes back as lines stamped
 * on arrival, and a Reaper stops every group still running when the bench ends, however it
 * ends (normal exit, an error, Ctrl-C, SIGTERM).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One line of a child's output, with the time (performance.now()) it arrived. */
export interface StampedLine {
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface GroupProcessOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** called for every complete output line */
  onLine?: (line: StampedLine) => void;
  /** how many recent lines to keep for error messages (default 40) */
  keepLines?: number;
}

/** A child process leading its own process group. */
export class GroupProcess {
  readonly spawnedAt: number;
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  readonly #recent: string[] = [];
  #stopping: Promise<void> | undefined;

  constructor(options: GroupProcessOptions) {
    const keep = options.keepLines ?? 40;
    this.spawnedAt = performance.now();
    this.#child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.once('error', () => resolve());
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.#child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
        const at = performance.now();
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) {
          this.#recent.push(text);
          if (this.#recent.length > keep) this.#recent.shift();
          options.onLine?.({ at, stream, text });
        }
      });
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last lines of output, for a message when something went wrong. */
  get recentLines(): readonly string[] {
    return this.#recent;
  }

  /**
   * Sends `signal` to the child alone (devmode stops its own services on it) or to the whole
   * group, waits for the child to exit, then SIGKILLs the group after `graceMs`.
   */
  stop(options: { signal?: NodeJS.Signals; group?: boolean; graceMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.signal ?? 'SIGTERM', options.group ?? true, options.graceMs ?? 8_000);
    return this.#stopping;
  }

  async #stop(signal: NodeJS.Signals, group: boolean, graceMs: number): Promise<void> {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    if (this.running) signalPid(group ? -pid : pid, signal);
    const timer = setTimeout(() => signalPid(-pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    // Anything the leader left behind in its group (a shell's grandchildren) goes too.
    signalPid(-pid, 'SIGKILL');
  }

  /** Synchronous last resort for process 'exit': SIGKILL the whole group. */
  killNow(): void {
    if (this.#child.pid !== undefined) signalPid(-this.#child.pid, 'SIGKILL');
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops every registered process when the bench ends. On Ctrl-C or SIGTERM it stops them
 * gracefully (devmode then stops its services), bounded in time, and exits 130/143.
 */
export class Reaper {
  readonly #live = new Map<GroupProcess, () => Promise<void>>();
  readonly #dirs = new Set<string>();
  readonly #onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping every process the bench started\n`);
    const hard = setTimeout(() => process.exit(signal === 'SIGINT' ? 130 : 143), 10_000);
    hard.unref();
    void this.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  readonly #onExit = () => {
    for (const p of this.#live.keys()) p.killNow();
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
  };

  constructor() {
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
    process.on('exit', this.#onExit);
  }

  /** Tracks `p`; `stop` is how to stop it gracefully (default: SIGTERM to its group). */
  track(p: GroupProcess, stop: () => Promise<void> = () => p.stop()): GroupProcess {
    this.#live.set(p, stop);
    void p.exited.then(() => this.#live.delete(p));
    return p;
  }

  /** Removes `dir` (a temp directory) when the process exits, however it exits. */
  removeOnExit(dir: string): void {
    this.#dirs.add(dir);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#live.values()].map((stop) => stop().catch(() => {})));
  }

  /** Stops what is left, removes the temp directories and the handlers. */
  async close(): Promise<void> {
    await this.stopAll();
    this.#onExit();
    this.#dirs.clear();
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    process.off('exit', this.#onExit);
  }
}
