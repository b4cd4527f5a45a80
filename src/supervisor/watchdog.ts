import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { deferred } from '../util/deferred.js';
import type { GroupTracker } from './managed-process.js';
import { WATCHDOG_SCRIPT } from './watchdog-script.js';

export interface WatchdogOptions {
  /** how long the watchdog waits after SIGTERM before SIGKILL (default 2000 ms) */
  graceMs?: number;
  /** how long start() waits for the watchdog to say it is ready (default 10 s) */
  startTimeoutMs?: number;
}

/**
 * Makes sure no managed process outlives devmode, however devmode ends (SIGKILL included):
 * a separate process (watchdog-script.ts) holds the list of live process groups and kills
 * them when devmode's end of the pipe closes. Pass it to the Supervisor as `groups`.
 * It never keeps devmode's event loop alive, and exits when devmode exits cleanly too.
 */
export class Watchdog implements GroupTracker {
  readonly #options: WatchdogOptions;
  #child: ChildProcess | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  /** lines written before the watchdog was listening */
  #queue: string[] = [];
  #listening = false;

  constructor(options: WatchdogOptions = {}) {
    this.#options = options;
  }

  /** The watchdog's pid once started. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns the watchdog and resolves when it listens. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#spawn();
    return this.#starting;
  }

  add(pgid: number): void {
    this.#send(`+${pgid}`);
  }

  remove(pgid: number): void {
    this.#send(`-${pgid}`);
  }

  /**
   * Closes the pipe: the watchdog kills what is still listed (nothing, after a clean
   * Supervisor.stopAll()) and exits. Resolves when it has exited. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#starting?.catch(() => {});
      const child = this.#child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // The child is unref'd so it never keeps devmode alive; while we wait for it to
      // leave, it must keep the loop alive, or Node would exit mid-await (exit code 13).
      child.ref();
      child.stdin?.end();
      await exited;
    })();
    return this.#stopping;
  }

  async #spawn(): Promise<void> {
    // A shell script (see watchdog-script.ts): /bin/sh is everywhere devmode runs and costs
    // a megabyte, where a Node process cost ~43 MB.
    const ticks = Math.max(1, Math.ceil((this.#options.graceMs ?? 2_000) / 50));
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'devmode-watchdog', String(ticks)], {
      // Own process group and session: Ctrl-C in devmode's terminal must not reach it.
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.#child = child;
    const ready = deferred<void>();
    const timer = setTimeout(() => ready.reject(new Error('the watchdog process did not start in time')), this.#options.startTimeoutMs ?? 10_000);
    child.once('error', (error) => ready.reject(new Error(`could not start the watchdog process: ${error.message}`)));
    child.once('exit', () => ready.reject(new Error('the watchdog process exited at start')));
    let seen = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('ready\n')) ready.resolve();
    });
    try {
      await ready.promise;
    } finally {
      clearTimeout(timer);
    }
    // From here on the watchdog must not keep devmode alive: unref the process and its pipes.
    child.stdout?.destroy();
    child.unref();
    (child.stdin as unknown as Socket | null)?.unref();
    child.stdin?.on('error', () => {}); // the watchdog gone early: nothing better to do
    this.#listening = true;
    if (this.#queue.length > 0) child.stdin?.write(this.#queue.map((line) => `${line}\n`).join(''));
    this.#queue = [];
  }

  #send(line: string): void {
    if (!this.#listening) {
      // Not yet listening: keep the order, send once it is (see start()).
      this.#queue.push(line);
      return;
    }
    this.#child?.stdin?.write(`${line}\n`);
  }
}
