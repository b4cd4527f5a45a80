import { execa, type ResultPromise } from 'execa';
import { BoundedOutput } from './bounded-output.js';

/** How a build ended. A cancelled build is `ok: false` with `cancelled: true`. */
export type BuildResult =
  | { ok: true; ms: number }
  | { ok: false; cancelled: boolean; output: string; exitCode: number | null; ms: number };

export interface BuildRunnerOptions {
  /** shell command, run through /bin/sh -c */
  command: string;
  /** absolute working directory */
  cwd: string;
  /** extra environment on top of devmode's own */
  env?: Readonly<Record<string, string>>;
  /** output kept for a failure report (default 64 Ki characters; head and tail) */
  maxOutputChars?: number;
}

/**
 * Runs one service's build command, one run at a time. Each run leads its own process
 * group, so `cancel()` (and the end of a run) kills everything the build started: a
 * `tsc --watch` or a bundler's worker left behind would hold the pipes and the CPU.
 */
export class BuildRunner {
  readonly #options: BuildRunnerOptions;
  #current: { child: ResultPromise; cancelled: boolean; done: Promise<BuildResult> } | undefined;

  constructor(options: BuildRunnerOptions) {
    this.#options = options;
  }

  /** Whether a build is running. */
  get running(): boolean {
    return this.#current !== undefined;
  }

  /** Runs the build; a run still going is cancelled first. Never rejects. */
  async run(): Promise<BuildResult> {
    await this.cancel();
    const started = performance.now();
    const output = new BoundedOutput(this.#options.maxOutputChars);
    const child = execa(this.#options.command, {
      shell: true,
      cwd: this.#options.cwd,
      env: { ...this.#options.env },
      detached: true,
      stdin: 'ignore',
      all: true,
      buffer: false,
      reject: false,
    });
    // execa's cleanup does not cover detached children: a build must not outlive devmode.
    const onExit = () => killGroup(child.pid, 'SIGKILL');
    process.once('exit', onExit);
    const current = { child, cancelled: false, done: undefined as unknown as Promise<BuildResult> };
    child.all?.setEncoding('utf8');
    child.all?.on('data', (chunk: string) => output.push(chunk));
    // A descendant that keeps the pipe open would delay the result forever: once the
    // shell exits, whatever is left of its group goes too.
    child.nodeChildProcess.once('exit', () => killGroup(child.pid, 'SIGKILL'));
    current.done = child.then((result) => {
      const ms = Math.round(performance.now() - started);
      process.removeListener('exit', onExit);
      if (this.#current === current) this.#current = undefined;
      if (!current.cancelled && result.exitCode === 0) return { ok: true, ms } as const;
      let text = output.toString();
      if (result.failed && result.exitCode === undefined && !current.cancelled) {
        text += (text ? '\n' : '') + result.shortMessage;
      }
      return { ok: false, cancelled: current.cancelled, output: text, exitCode: result.exitCode ?? null, ms } as const;
    });
    this.#current = current;
    return current.done;
  }

  /** Kills the running build's whole process group; resolves once it is gone. */
  async cancel(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    current.cancelled = true;
    killGroup(current.child.pid, 'SIGKILL');
    await current.done;
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}
