import type { DevmodeEvent } from '../core/events/index.js';
import type { BuildResult } from './build-runner.js';
import type { FileChange } from './service-watcher.js';
import { unreachable } from '../util/unreachable.js';

/** What the queue needs of a build: BuildRunner, or anything that runs and cancels like it. */
export interface Builder {
  run(): Promise<BuildResult>;
  cancel(): Promise<void>;
}

export interface ReloadQueueOptions {
  publish(event: DevmodeEvent): void;
  /**
   * Swaps the service to its new version (system/ does it: start, wait ready, switch
   * traffic, drain). Resolves when the new version serves; rejects (with a message for
   * the user) when it did not become ready and the old one keeps serving.
   */
  reload(service: string, trigger: string): Promise<void>;
  /** whether a version of the service runs (a failed build then leaves it serving); default yes */
  serving?(service: string): boolean;
  /** the service's build step, or undefined when it has none */
  builder(service: string): Builder | undefined;
  now?: () => number;
}

/**
 * Per-service state:
 *
 * ```
 *            change                 build ok
 *   idle ────────────> building ───────────────> reloading ──┐
 *    ^                  │    ^                     │  │       │ change: remember one
 *    │   build failed   │    │ change: cancel      │  │ <─────┘ more job (merged)
 *    └──────────────────┘    └ and rebuild         │  │
 *    ^                                   done,     │  │ done, a job was
 *    └──────────────────────────────── none queued ┘  └ queued: building (or reloading)
 * ```
 * Services are independent: each has its own state and runs in parallel with the others.
 */
type ServiceState =
  | { id: 'idle' }
  | { id: 'building'; job: Job; run: number }
  | { id: 'reloading'; job: Job; next: Job | undefined; done: Promise<void> };

interface Job {
  trigger: string;
  files: number;
  /** when the first change of the job was seen (ms, same clock as `now`) */
  firstAt: number;
}

/**
 * Turns bursts of file changes into "build, then reload" jobs, one service at a time:
 * a change during a build restarts the build; a change during a reload queues exactly one
 * more job after it. Publishes `reload.started`, `build.started` (again when a change
 * restarts the build), `build.finished` or `build.failed`, `reload.finished` and `reload.failed`.
 */
export class ReloadQueue {
  readonly #options: ReloadQueueOptions;
  readonly #now: () => number;
  readonly #states = new Map<string, ServiceState>();
  readonly #idleWaiters = new Set<() => void>();
  #runs = 0;
  #stopped = false;

  constructor(options: ReloadQueueOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The service's state id, for views and tests. */
  state(service: string): ServiceState['id'] {
    return this.#state(service).id;
  }

  /** Reports a burst of changes of one service. */
  change(service: string, change: FileChange): void {
    if (this.#stopped) return;
    const state = this.#state(service);
    const job: Job = { trigger: change.trigger, files: change.files, firstAt: change.firstAt };
    switch (state.id) {
      case 'idle':
        this.#begin(service, job);
        return;
      case 'building':
        // The build is working on stale sources: start it over, as one job.
        state.job.files += change.files;
        this.#build(service, state.job);
        return;
      case 'reloading':
        if (state.next) state.next.files += change.files;
        else state.next = job;
        return;
      default:
        unreachable(state, 'reload state');
    }
  }

  /** Resolves once every service is idle (no build, no reload, nothing queued). */
  whenIdle(): Promise<void> {
    if (this.#allIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.add(resolve));
  }

  /** Stops taking changes, cancels builds and waits for reloads under way to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const pending: Promise<unknown>[] = [];
    for (const [service, state] of this.#states) {
      if (state.id === 'building') {
        this.#set(service, { id: 'idle' });
        pending.push(this.#options.builder(service)?.cancel() ?? Promise.resolve());
      } else if (state.id === 'reloading') {
        state.next = undefined;
        pending.push(state.done);
      }
    }
    await Promise.allSettled(pending);
  }

  #begin(service: string, job: Job): void {
    this.#options.publish({ type: 'reload.started', service, trigger: job.trigger, files: job.files, ts: this.#now() });
    if (this.#options.builder(service)) this.#build(service, job);
    else this.#reload(service, job);
  }

  #build(service: string, job: Job): void {
    const builder = this.#options.builder(service);
    if (!builder) return this.#reload(service, job);
    const run = ++this.#runs;
    this.#set(service, { id: 'building', job, run });
    this.#options.publish({ type: 'build.started', service, ts: this.#now() });
    // run() cancels the build it replaces; that one's result is stale and ignored below.
    builder.run().then(
      (result) => this.#built(service, run, result),
      (error: unknown) => this.#built(service, run, { ok: false, cancelled: false, output: String(error), exitCode: null, ms: 0 }),
    );
  }

  #built(service: string, run: number, result: BuildResult): void {
    const state = this.#state(service);
    if (state.id !== 'building' || state.run !== run) return;
    if (result.ok) {
      this.#options.publish({ type: 'build.finished', service, ms: result.ms, ts: this.#now() });
      return this.#reload(service, state.job);
    }
    this.#set(service, { id: 'idle' });
    if (!result.cancelled) {
      this.#options.publish({ type: 'build.failed', service, output: result.output, exitCode: result.exitCode, serving: this.#options.serving?.(service) ?? true, ts: this.#now() });
    }
  }

  #reload(service: string, job: Job): void {
    const done = this.#swap(service, job);
    this.#set(service, { id: 'reloading', job, next: undefined, done });
  }

  async #swap(service: string, job: Job): Promise<void> {
    // Let #reload record the state before the callback can possibly settle.
    await Promise.resolve();
    try {
      await this.#options.reload(service, job.trigger);
      this.#options.publish({ type: 'reload.finished', service, ms: Math.max(0, this.#now() - job.firstAt), ts: this.#now() });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#options.publish({ type: 'reload.failed', service, reason, ts: this.#now() });
    }
    const state = this.#state(service);
    const next = state.id === 'reloading' ? state.next : undefined;
    if (next && !this.#stopped) this.#begin(service, next);
    else this.#set(service, { id: 'idle' });
  }

  #state(service: string): ServiceState {
    return this.#states.get(service) ?? { id: 'idle' };
  }

  #set(service: string, state: ServiceState): void {
    this.#states.set(service, state);
    if (state.id === 'idle' && this.#allIdle()) {
      for (const resolve of this.#idleWaiters) resolve();
      this.#idleWaiters.clear();
    }
  }

  #allIdle(): boolean {
    for (const state of this.#states.values()) if (state.id !== 'idle') return false;
    return true;
  }
}
