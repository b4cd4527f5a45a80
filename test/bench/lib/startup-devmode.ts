/**
 * `devmode up` as a user runs it, timed from spawning the process to the `ready in N ms`
 * line on its stdout (which also carries devmode's own figure, measured from System.start).
 */
import { DEVMODE_BIN } from './startup-config.js';
import { GroupProcess, type Reaper, type StampedLine } from './startup-procs.js';

const READY = /\bready in (\d+) ms: gateway (\S+)/;
const NOT_READY = /not every service became ready/;
const INSTANCE_STARTING = /\| starting \(pid/;

export interface DevmodeRun {
  /** spawn to the ready line arriving */
  readyMs: number;
  /** the N devmode printed */
  reportedMs: number;
  gatewayUrl: string;
  /** spawn to the first and the last service instance being started (depends_on waits between) */
  firstServiceMs: number;
  lastServiceMs: number;
}

/** A running `devmode up`, stopped with SIGINT (as Ctrl-C would) so it stops its services. */
export class DevmodeUp {
  readonly process: GroupProcess;
  readonly ready: Promise<DevmodeRun>;
  readonly #listeners = new Set<(line: StampedLine) => void>();

  constructor(options: { file: string; cwd: string; reaper: Reaper; timeoutMs?: number }) {
    let resolveReady!: (run: DevmodeRun) => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {});
    let firstServiceAt = NaN;
    let lastServiceAt = NaN;
    this.process = new GroupProcess({
      command: process.execPath,
      args: [DEVMODE_BIN, 'up', '-f', options.file, '--plain'],
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
      keepLines: 200,
      onLine: (line) => {
        const ready = READY.exec(line.text);
        const since = (at: number) => at - this.process.spawnedAt;
        if (INSTANCE_STARTING.test(line.text)) {
          if (Number.isNaN(firstServiceAt)) firstServiceAt = line.at;
          lastServiceAt = line.at;
        }
        if (ready) {
          resolveReady({
            readyMs: since(line.at),
            reportedMs: Number(ready[1]),
            gatewayUrl: ready[2]!,
            firstServiceMs: since(firstServiceAt),
            lastServiceMs: since(lastServiceAt),
          });
        }
        else if (NOT_READY.test(line.text)) rejectReady(this.#failure('devmode reported that not every service became ready'));
        for (const listener of this.#listeners) listener(line);
      },
    });
    options.reaper.track(this.process, () => this.stop());
    void this.process.exited.then(() => rejectReady(this.#failure('devmode exited before it was ready')));
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => rejectReady(this.#failure(`devmode was not ready within ${timeoutMs} ms`)), timeoutMs);
    void this.ready.then(() => clearTimeout(timer), () => clearTimeout(timer));
  }

  /** Every output line from now on (with its arrival time); returns an unsubscribe function. */
  onLine(listener: (line: StampedLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): Promise<void> {
    return this.process.stop({ signal: 'SIGINT', group: false, graceMs: 10_000 });
  }

  #failure(what: string): Error {
    return new Error(`${what}; its last lines:\n${this.process.recentLines.slice(-20).join('\n')}`);
  }
}

/** One cold start: spawn, wait for ready, stop (waiting until everything has exited). */
export async function devmodeRun(options: { file: string; cwd: string; reaper: Reaper }): Promise<DevmodeRun> {
  const up = new DevmodeUp(options);
  try {
    return await up.ready;
  } finally {
    await up.stop();
  }
}
