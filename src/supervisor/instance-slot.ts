import type { ReadinessConfig } from '../config/types.js';
import type { DevmodeEvent, InstanceRef, InstanceState } from '../core/events/index.js';
import { deferred, type Deferred } from '../util/deferred.js';
import { Backoff, shouldRestart, type BackoffOptions, type RestartPolicy } from './backoff.js';
import { InstanceFailedError, instanceLabel } from './exit-info.js';
import { ManagedProcess, type GroupTracker } from './managed-process.js';
import { isPortFree } from '../net/ports.js';

/** Everything needed to run (and re-run) one instance of a service. */
export interface SlotSpec {
  ref: InstanceRef;
  command: string | readonly string[];
  /** absolute */
  cwd: string;
  /** listen address told to readiness probes (default 127.0.0.1) */
  host?: string;
  /** the port this instance listens on (allocated by the caller, see net/ports.ts) */
  port: number;
  /**
   * For a port devmode chose (not one written in devmode.yaml): called before a restart when
   * another process now holds the port, with that port; answers the port to use instead.
   */
  movePort?: (busy: number) => Promise<number>;
  /** the complete environment, or a factory called with the port each time it (re)starts */
  env: Readonly<Record<string, string>> | ((port: number) => Readonly<Record<string, string>>);
  readiness: ReadinessConfig;
  restart: RestartPolicy;
  stopGraceMs: number;
}

/** What a swap hands back once the new process is ready and announced. */
export interface SwapHandle {
  /** the new process's port (now the slot's port) */
  readonly port: number;
  readonly pid: number | undefined;
  /**
   * Stops the previous process gracefully (SIGTERM, SIGKILL after its grace), after waiting
   * `drainMs` for requests already sent to it. Resolves when its group is gone. Idempotent.
   */
  retireOld(drainMs?: number): Promise<void>;
}

export interface SlotDeps {
  publish: (event: DevmodeEvent) => void;
  groups?: GroupTracker;
  backoff?: Partial<BackoffOptions>;
  now: () => number;
}

/**
 * Slot states (the process inside has its own, see ManagedProcess):
 *   running --crash, policy restarts--> backoff --timer--> running
 *   running --exit, policy does not--> given-up
 *   any --stop()--> stopped (final)
 */
type SlotState = { id: 'running' } | { id: 'backoff'; timer: NodeJS.Timeout } | { id: 'given-up'; reason: string } | { id: 'stopped' };

/**
 * Keeps one instance of a service running: spawns it, restarts it with backoff when it dies
 * (per its restart policy), and replaces it on reload (swap or restart).
 */
export class InstanceSlot {
  readonly ref: InstanceRef;
  readonly #deps: SlotDeps;
  readonly #backoff: Backoff;
  #spec: SlotSpec;
  #state: SlotState = { id: 'running' };
  #current: ManagedProcess | null = null;
  #startedAt = 0;
  #replacement: { proc: ManagedProcess; cancelled: boolean } | null = null;
  readonly #retiring = new Set<ManagedProcess>();
  #waiters: Deferred<void>[] = [];
  #lastError: string | null = null;
  #shownState: InstanceState = 'starting';

  constructor(spec: SlotSpec, deps: SlotDeps) {
    this.ref = spec.ref;
    this.#spec = spec;
    this.#deps = deps;
    this.#backoff = new Backoff(deps.backoff);
  }

  get port(): number {
    return this.#spec.port;
  }

  get pid(): number | undefined {
    return this.#current?.pid;
  }

  /** What views should show: the process's state, or the slot's own (backoff, crash-loop, stopped). */
  get state(): InstanceState {
    const s = this.#state;
    if (s.id === 'running' && this.#current) {
      const ps = this.#current.state;
      return ps === 'idle' ? 'starting' : ps;
    }
    return this.#shownState;
  }

  /** Why the slot is not ready, if it failed: "exited with code 1", "not ready after 30s: ...". */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** The current process's last output lines. */
  get lastLines(): readonly string[] {
    return this.#current?.lastLines ?? [];
  }

  /** Spawns the first process. Resolves when the slot is first ready (see `whenReady`). */
  start(): Promise<void> {
    if (!this.#current && this.#state.id === 'running') this.#spawn();
    return this.whenReady();
  }

  /**
   * Resolves when the current process is ready, now or after restarts. Rejects when the slot is
   * stopped, gives up (restart policy says no), or after `timeoutMs` if given.
   */
  whenReady(timeoutMs?: number): Promise<void> {
    if (this.#state.id === 'running' && this.#current?.state === 'ready') return Promise.resolve();
    if (this.#state.id === 'stopped') return Promise.reject(new InstanceFailedError(`${instanceLabel(this.ref)} is stopped`, []));
    if (this.#state.id === 'given-up') return Promise.reject(new InstanceFailedError(`${instanceLabel(this.ref)} ${this.#state.reason}`, this.lastLines));
    const waiter = deferred<void>();
    this.#waiters.push(waiter);
    if (timeoutMs !== undefined) {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const why = this.#lastError ? ` (last: ${this.#lastError})` : '';
        waiter.reject(new InstanceFailedError(`${instanceLabel(this.ref)} was not ready within ${timeoutMs} ms${why}`, this.lastLines));
      }, timeoutMs);
      void waiter.promise.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
    }
    return waiter.promise;
  }

  /**
   * Reload by swap: starts the new version on `port` (the old keeps serving), resolves once it
   * is ready and has taken over the slot (its `ready` event, with the new port, is published).
   * Rejects, leaving the old one running, if the new one fails; a later replace() supersedes a
   * pending one. With no running process (crashed, backoff), it simply starts the new version.
   */
  async replace(options: {
    port: number;
    env?: SlotSpec['env'];
    command?: SlotSpec['command'];
    /**
     * Called once the new process is ready, before it takes over; the takeover waits for it.
     * Lets a caller swap every instance of a service at the same moment (a rejection
     * abandons this replacement and keeps the old process).
     */
    beforeTakeover?: () => Promise<void>;
  }): Promise<SwapHandle> {
    if (this.#state.id === 'stopped') throw new InstanceFailedError(`${instanceLabel(this.ref)} is stopped`, []);
    const spec: SlotSpec = { ...this.#spec, port: options.port, env: options.env ?? this.#spec.env, command: options.command ?? this.#spec.command };
    if (this.#replacement) {
      this.#replacement.cancelled = true;
      void this.#replacement.proc.stop();
    }
    const proc = this.#makeProcess(spec, false);
    const entry = { proc, cancelled: false };
    this.#replacement = entry;
    const startedAt = this.#deps.now();
    try {
      await proc.start();
      await options.beforeTakeover?.();
    } catch (error) {
      if (this.#replacement === entry) this.#replacement = null;
      void proc.stop();
      throw error;
    }
    if (this.#replacement === entry) this.#replacement = null;
    if (entry.cancelled || this.#stateId() === 'stopped') {
      await proc.stop();
      throw new InstanceFailedError(`${instanceLabel(this.ref)} replacement was superseded or stopped`, []);
    }
    // Take over: the old process goes silent (the ref now means the new one) and waits to be retired.
    const old = this.#current;
    this.#cancelBackoff();
    this.#state = { id: 'running' };
    this.#spec = spec;
    this.#backoff.reset();
    this.#lastError = null;
    this.#adopt(proc, startedAt);
    proc.announce = true;
    proc.announceState();
    this.#resolveWaiters();
    let retired: Promise<void> | null = null;
    if (old && old.state !== 'exited' && old.state !== 'stopped') {
      old.announce = false;
      this.#retiring.add(old);
    }
    return {
      port: spec.port,
      pid: proc.pid,
      retireOld: (drainMs = 0) =>
        (retired ??= (async () => {
          if (!old) return;
          if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
          await old.stop();
          this.#retiring.delete(old);
        })()),
    };
  }

  /** Reload by restart: stop the current process, then start again (same port). Resolves when ready. */
  async restart(): Promise<void> {
    if (this.#state.id === 'stopped') throw new InstanceFailedError(`${instanceLabel(this.ref)} is stopped`, []);
    this.#cancelBackoff();
    this.#state = { id: 'running' };
    const old = this.#current;
    this.#current = null;
    if (old) await old.stop();
    if (this.#stateId() !== 'running' || this.#current) return this.whenReady();
    this.#backoff.reset();
    this.#lastError = null;
    const proc = this.#spawn();
    return proc.ready;
  }

  /**
   * Starts a stopped (or given-up) slot again, as if new: the backoff starts over. Resolves
   * when it is ready; a running slot is left as it is.
   */
  resume(): Promise<void> {
    if (this.#state.id === 'running' || this.#state.id === 'backoff') return this.whenReady();
    this.#state = { id: 'running' };
    this.#backoff.reset();
    this.#lastError = null;
    this.#spawn();
    return this.whenReady();
  }

  /** Stops everything this slot runs (current, replacement, retiring) in parallel. Idempotent. */
  async stop(): Promise<void> {
    const wasIdle = this.#state.id !== 'running';
    const alreadyStopped = this.#state.id === 'stopped';
    this.#cancelBackoff();
    this.#state = { id: 'stopped' };
    this.#shownState = 'stopped';
    this.#rejectWaiters(new InstanceFailedError(`${instanceLabel(this.ref)} was stopped`, []));
    const procs = [this.#current, this.#replacement?.proc, ...this.#retiring].filter((p): p is ManagedProcess => p !== null && p !== undefined);
    if (this.#replacement) this.#replacement.cancelled = true;
    await Promise.all(procs.map((p) => p.stop()));
    this.#retiring.clear();
    // A slot waiting in backoff has no process to report 'stopped'; say it for the slot.
    if (wasIdle && !alreadyStopped) this.#publishSlotState('stopped');
  }

  #spawn(): ManagedProcess {
    const proc = this.#makeProcess(this.#spec, true);
    this.#adopt(proc, this.#deps.now());
    void proc.start().catch(() => {}); // failures are handled through `exited`
    return proc;
  }

  #makeProcess(spec: SlotSpec, announce: boolean): ManagedProcess {
    return new ManagedProcess({
      ref: spec.ref,
      command: spec.command,
      cwd: spec.cwd,
      env: typeof spec.env === 'function' ? spec.env(spec.port) : spec.env,
      port: spec.port,
      host: spec.host ?? '127.0.0.1',
      readiness: spec.readiness,
      stopGraceMs: spec.stopGraceMs,
      publish: this.#deps.publish,
      groups: this.#deps.groups,
      announce,
    });
  }

  /** Makes `proc` the slot's current process: its readiness wakes waiters, its death may restart it. */
  #adopt(proc: ManagedProcess, startedAt: number): void {
    this.#current = proc;
    this.#startedAt = startedAt;
    proc.ready.then(
      () => {
        if (proc === this.#current) this.#resolveWaiters();
      },
      () => {},
    );
    void proc.exited.then((exit) => {
      if (proc !== this.#current || this.#state.id !== 'running' || exit.requested) return;
      this.#lastError = exit.reason;
      if (!shouldRestart(this.#spec.restart, exit)) {
        this.#state = { id: 'given-up', reason: exit.reason };
        this.#shownState = 'exited';
        this.#rejectWaiters(new InstanceFailedError(`${instanceLabel(this.ref)} ${exit.reason}`, proc.lastLines));
        return;
      }
      const decision = this.#backoff.next(this.#deps.now(), this.#deps.now() - this.#startedAt);
      this.#shownState = decision.crashLoop ? 'crash-loop' : 'backoff';
      const timer = setTimeout(() => {
        void (async () => {
          if (this.#state.id !== 'backoff' || this.#state.timer !== timer) return;
          await this.#movePortIfTaken();
          if (this.#state.id !== 'backoff' || this.#state.timer !== timer) return;
          this.#state = { id: 'running' };
          this.#spawn();
        })();
      }, decision.delayMs);
      this.#state = { id: 'backoff', timer };
      this.#publishSlotState(this.#shownState, {
        restartInMs: decision.delayMs,
        detail: `${exit.reason}; restart ${decision.attempt} in ${decision.delayMs} ms${decision.crashLoop ? ' (crash loop)' : ''}`,
      });
    });
  }

  /**
   * A derived port another program took between devmode choosing it and the service binding
   * it (the service then died with EADDRINUSE): the restart goes to another port rather than
   * into a crash loop. Callers follow through the registry (the `ready` event names the port).
   */
  async #movePortIfTaken(): Promise<void> {
    const spec = this.#spec;
    if (!spec.movePort || (await isPortFree(spec.port, spec.host ?? '127.0.0.1'))) return;
    try {
      const port = await spec.movePort(spec.port);
      this.#deps.publish({ type: 'system.notice', level: 'warn', source: 'supervisor', message: `${instanceLabel(this.ref)}: port ${spec.port} is taken by another program; restarting on ${port}`, ts: Date.now() });
      this.#spec = { ...spec, port };
    } catch {
      // no port to move to: the restart tries the same one, as before
    }
  }

  /** Read through a method so TypeScript does not keep a narrowing across an await. */
  #stateId(): SlotState['id'] {
    return this.#state.id;
  }

  #cancelBackoff(): void {
    if (this.#state.id === 'backoff') clearTimeout(this.#state.timer);
  }

  #resolveWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
  }

  #rejectWaiters(error: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }

  #publishSlotState(state: InstanceState, extra: { restartInMs?: number; detail?: string } = {}): void {
    this.#deps.publish({ type: 'instance.state', ref: this.ref, state, port: this.#spec.port, ...extra, ts: Date.now() });
  }
}
