import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { execa, type ResultPromise } from 'execa';
import type { ReadinessConfig } from '../config/types.js';
import type { DevmodeEvent, InstanceRef, InstanceState } from '../core/events/index.js';
import { deferred } from '../util/deferred.js';
import { unreachable } from '../util/unreachable.js';
import { LineSplitter } from './line-splitter.js';
import { groupAlive, terminateGroup } from './process-group.js';
import { waitReady, ReadinessTimeoutError } from './readiness/wait-ready.js';
import { InstanceFailedError, instanceLabel, type ExitInfo } from './exit-info.js';

/** Told of every process group started and gone, so a watchdog can kill what devmode leaves. */
export interface GroupTracker {
  add(pgid: number): void;
  remove(pgid: number): void;
}

export interface ManagedProcessOptions {
  ref: InstanceRef;
  /** a string runs through `/bin/sh -c`; an array is executed directly */
  command: string | readonly string[];
  /** absolute working directory */
  cwd: string;
  /** the complete environment (nothing of devmode's own is added) */
  env: Readonly<Record<string, string>>;
  /** the port the instance must listen on (probed by http/tcp readiness) */
  port: number;
  /** the address it listens on (default 127.0.0.1; wildcards are probed on loopback) */
  host?: string;
  readiness: ReadinessConfig;
  /** SIGTERM, then SIGKILL of the whole group after this */
  stopGraceMs: number;
  publish: (event: DevmodeEvent) => void;
  groups?: GroupTracker;
  /** how many output lines to keep for error messages (default 50) */
  keepLines?: number;
  /** whether `instance.state` events are published (default true); see `announce` */
  announce?: boolean;
}

/**
 * The states of one spawned instance.
 *
 *   idle --start()--> starting --probe passed--> ready
 *                        |                         |
 *                        +--- exits by itself -----+--> exited      (final)
 *                        +--- not ready in time --> stopping(failed) --> exited
 *                        +------- stop() --------------+--> stopping --> stopped (final)
 *
 * A final state is reached only when the whole process group is gone, not just the leader.
 */
type State =
  | { id: 'idle' }
  | { id: 'starting' }
  | { id: 'ready' }
  | { id: 'stopping'; failure: string | null }
  | { id: 'stopped' }
  | { id: 'exited' };

/**
 * One running instance of a service: spawned with execa in its own process group, its output
 * split into `log` events, its readiness probed, its lifecycle published as `instance.state`.
 */
export class ManagedProcess {
  readonly ref: InstanceRef;
  readonly port: number;
  readonly #options: ManagedProcessOptions;
  readonly #label: string;
  readonly #ready = deferred<void>();
  readonly #exited = deferred<ExitInfo>();
  readonly #lines: string[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();
  readonly #abortProbe = new AbortController();
  #state: State = { id: 'idle' };
  #child: ResultPromise | null = null;
  #pid: number | undefined;
  #spawnedAt = 0;
  #leaderExit: { code: number | null; signal: string | null } | null = null;
  readonly #leaderGone = deferred<void>();
  #announce: boolean;
  #readyInMs = 0;

  constructor(options: ManagedProcessOptions) {
    this.#options = options;
    this.ref = options.ref;
    this.port = options.port;
    this.#label = instanceLabel(options.ref);
    this.#announce = options.announce ?? true;
    // Nobody may be waiting on these; a rejection must not surface as unhandled.
    this.#ready.promise.catch(() => {});
  }

  /** Resolves once the readiness check passes; rejects (InstanceFailedError) on exit, timeout or stop first. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  /** Resolves when the instance and every process of its group are gone. Never rejects. */
  get exited(): Promise<ExitInfo> {
    return this.#exited.promise;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get state(): InstanceState | 'idle' {
    return this.#state.id === 'idle' ? 'idle' : this.#state.id;
  }

  /** The last output lines (stdout and stderr interleaved), oldest first. */
  get lastLines(): readonly string[] {
    return this.#lines;
  }

  /** ms since spawn (0 before start) */
  get uptimeMs(): number {
    return this.#spawnedAt === 0 ? 0 : performance.now() - this.#spawnedAt;
  }

  /**
   * Whether state events go out. A swap replacement stays silent until it takes over the slot
   * (views and the locator keep seeing the old one); a retired one goes silent before it stops.
   */
  set announce(on: boolean) {
    this.#announce = on;
  }

  /** Publishes the current state again (used when a silent replacement takes over). */
  announceState(): void {
    const id = this.#state.id;
    if (id === 'ready') this.#publishState('ready', { readyInMs: this.#readyInMs });
    else if (id !== 'idle' && id !== 'stopping') this.#publishState(id);
  }

  /** Spawns the process and resolves when it is ready (rejects like `ready`). */
  async start(): Promise<void> {
    if (this.#state.id !== 'idle') return this.ready;
    this.#spawn();
    return this.ready;
  }

  /**
   * SIGTERM to the whole group, SIGKILL after the grace period; resolves when the group is gone.
   * Idempotent; during start it aborts readiness (`ready` rejects).
   */
  async stop(): Promise<ExitInfo> {
    switch (this.#state.id) {
      case 'idle':
        this.#state = { id: 'stopped' };
        this.#ready.reject(new InstanceFailedError(`${this.#label} was stopped before it started`, []));
        this.#exited.resolve({ code: null, signal: null, requested: true, reason: 'stopped before start' });
        break;
      case 'starting':
      case 'ready':
        this.#terminate(null);
        break;
      case 'stopping':
      case 'stopped':
      case 'exited':
        break;
      default:
        unreachable(this.#state, 'state');
    }
    return this.exited;
  }

  #spawn(): void {
    const { command, cwd, env } = this.#options;
    this.#state = { id: 'starting' };
    this.#spawnedAt = performance.now();
    if (!existsSync(cwd)) {
      this.#failToSpawn(`its working directory ${cwd} does not exist; fix cwd in devmode.yaml`);
      return;
    }
    const [file, args] = typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0] ?? '', command.slice(1)];
    const child = execa(file, args, {
      cwd,
      env: { ...env },
      extendEnv: false,
      // node_modules/.bin from cwd upwards comes first on PATH, as with `npx` and
      // `npm run`; config/find-command.ts checks commands the same way.
      preferLocal: true,
      localDir: cwd,
      // Its own process group: a signal to -pid reaches the children it starts too.
      detached: true,
      // We signal the group ourselves (execa's cleanup and force-kill act on the leader only).
      cleanup: false,
      forceKillAfterDelay: false,
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    });
    this.#child = child;
    this.#pid = child.pid;
    if (child.pid === undefined) {
      void child.then((result) => this.#failToSpawn(result.originalMessage || result.shortMessage || 'spawn failed'));
      return;
    }
    this.#options.groups?.add(child.pid);
    void child.catch(() => {}); // reject: false; this only guards against the unexpected

    const streamsDone: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = child[stream];
      if (!readable) continue;
      const splitter = new LineSplitter((line) => this.#onLine(stream, line));
      readable.on('data', (chunk: Buffer) => splitter.push(chunk));
      streamsDone.push(
        new Promise((resolve) => {
          const done = () => {
            splitter.flush();
            resolve();
          };
          readable.once('end', done);
          readable.once('error', done);
        }),
      );
    }
    child.nodeChildProcess.once('exit', (code, signal) => {
      // Output the leader wrote just before exiting may still be in the pipe; give it a moment,
      // but do not wait for grandchildren that keep the pipe open.
      const settle = new Promise((resolve) => setTimeout(resolve, 200).unref());
      void Promise.race([Promise.all(streamsDone), settle]).then(() => this.#onLeaderExit(code, signal));
    });

    this.#publishState('starting');
    waitReady(this.#options.readiness, {
      host: this.#options.host ?? '127.0.0.1',
      port: this.port,
      lines: (listener) => {
        this.#lineListeners.add(listener);
        return () => this.#lineListeners.delete(listener);
      },
      signal: this.#abortProbe.signal,
      // still starting, but it answers that it is not ready: views show it unhealthy, with why
      onFailing: (why) => {
        if (this.#state.id === 'starting') this.#publishState('starting', { detail: why });
      },
    }).then(
      () => this.#onReady(),
      (error: unknown) => {
        if (error instanceof ReadinessTimeoutError && this.#state.id === 'starting') {
          const message = `${this.#label} ${error.message}`;
          this.#ready.reject(new InstanceFailedError(message, this.#lines));
          this.#terminate(error.message);
        }
        // Otherwise the probe was aborted by exit or stop, which reject `ready` themselves.
      },
    );
  }

  #onReady(): void {
    if (this.#state.id !== 'starting') return;
    this.#state = { id: 'ready' };
    this.#readyInMs = Math.round(performance.now() - this.#spawnedAt);
    this.#publishState('ready', { readyInMs: this.#readyInMs });
    this.#ready.resolve();
  }

  #onLine(stream: 'stdout' | 'stderr', line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > (this.#options.keepLines ?? 50)) this.#lines.shift();
    this.#options.publish({ type: 'log', ref: this.ref, stream, line, ts: Date.now() });
    for (const listener of this.#lineListeners) listener(line);
  }

  /** Starts the group's termination; the final state is set when the leader and group are gone. */
  #terminate(failure: string | null): void {
    this.#state = { id: 'stopping', failure };
    this.#abortProbe.abort(new Error('stopping'));
    if (failure === null) this.#ready.reject(new InstanceFailedError(`${this.#label} was stopped before it became ready`, this.#lines));
    this.#publishState('stopping', failure ? { detail: failure } : {});
    const pid = this.#pid;
    if (pid === undefined) return;
    void terminateGroup(pid, this.#options.stopGraceMs)
      .then(() => this.#leaderGone.promise)
      .then(() => this.#finish());
  }

  #onLeaderExit(code: number | null, signal: string | null): void {
    this.#leaderExit = { code, signal };
    this.#leaderGone.resolve();
    const state = this.#state;
    switch (state.id) {
      case 'starting':
      case 'ready': {
        // Exited by itself. The leader is gone; whatever it started must not outlive it.
        this.#state = { id: 'stopping', failure: describeExit(code, signal) };
        this.#abortProbe.abort(new Error('exited'));
        const message = `${this.#label} ${describeExit(code, signal)}${state.id === 'starting' ? ' before it became ready' : ''}`;
        this.#ready.reject(new InstanceFailedError(message, this.#lines));
        const pid = this.#pid;
        void (async () => {
          if (pid !== undefined && (await groupAlive(pid))) await terminateGroup(pid, this.#options.stopGraceMs);
          this.#finish();
        })();
        break;
      }
      case 'stopping':
        break; // #terminate finishes once the group is gone
      case 'idle':
      case 'stopped':
      case 'exited':
        break;
      default:
        unreachable(state, 'state');
    }
  }

  /** The group is gone: final state, watchdog told, `exited` resolved. */
  #finish(): void {
    const state = this.#state;
    if (state.id !== 'stopping') return;
    const exit = this.#leaderExit ?? { code: null, signal: null };
    const requested = state.failure === null;
    this.#state = requested ? { id: 'stopped' } : { id: 'exited' };
    if (this.#pid !== undefined) this.#options.groups?.remove(this.#pid);
    const reason = state.failure ?? 'stopped';
    this.#publishState(requested ? 'stopped' : 'exited', { exit, ...(requested ? {} : { detail: reason }) });
    this.#exited.resolve({ ...exit, requested, reason });
  }

  #failToSpawn(why: string): void {
    const reason = `could not start: ${why}`;
    if (this.#state.id === 'stopping' && this.#state.failure === null) {
      // stop() came first: it already rejected `ready`; end as it asked.
      this.#leaderGone.resolve();
      this.#finish();
      return;
    }
    this.#state = { id: 'exited' };
    this.#ready.reject(new InstanceFailedError(`${this.#label} ${reason}`, []));
    this.#publishState('exited', { exit: { code: null, signal: null }, detail: reason });
    this.#exited.resolve({ code: null, signal: null, requested: false, reason });
  }

  #publishState(state: InstanceState, extra: { readyInMs?: number; exit?: { code: number | null; signal: string | null }; detail?: string } = {}): void {
    if (!this.#announce) return;
    this.#options.publish({
      type: 'instance.state',
      ref: this.ref,
      state,
      port: this.port,
      ...(this.#pid !== undefined ? { pid: this.#pid } : {}),
      ...extra,
      ts: Date.now(),
    });
  }
}

/** "exited with code 1", "killed by SIGSEGV" */
export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}
