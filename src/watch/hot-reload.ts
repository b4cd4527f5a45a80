import type { ManagedServiceConfig, SystemConfig } from '../config/types.js';
import type { DevmodeEvent } from '../core/events/index.js';
import { BuildRunner } from './build-runner.js';
import { ReloadQueue } from './reload-queue.js';
import { ServiceWatcher } from './service-watcher.js';

export interface HotReloadOptions {
  config: SystemConfig;
  publish(event: DevmodeEvent): void;
  /** system/'s swap (or restart) of one service; see ReloadQueueOptions.reload */
  reload(service: string, trigger: string): Promise<void>;
  /** whether a version of the service runs (see ReloadQueueOptions.serving) */
  serving?(service: string): boolean;
  /** poll the file system instead of native events (`true` = every 100 ms, or an interval in ms) */
  poll?: boolean | number;
  /** quiet period that ends a burst of changes (default 50 ms) */
  quietMs?: number;
  /** environment for build commands (besides devmode's own) */
  buildEnv?: Readonly<Record<string, string>>;
}

/**
 * Hot reload for a whole system: one watcher per managed service whose `reload` is not
 * `none`, feeding one ReloadQueue that builds (when the service has a `build`) and calls
 * system/'s `reload`. Start resolves when every watcher has scanned its files.
 */
export class HotReload {
  readonly #options: HotReloadOptions;
  readonly #queue: ReloadQueue;
  readonly #watchers: ServiceWatcher[] = [];
  readonly #builders = new Map<string, BuildRunner>();
  #stopping: Promise<void> | undefined;

  constructor(options: HotReloadOptions) {
    this.#options = options;
    const services = options.config.services.filter(
      (s): s is ManagedServiceConfig => s.kind === 'managed' && s.reload !== 'none',
    );
    for (const service of services) {
      if (service.build !== null) {
        this.#builders.set(service.name, new BuildRunner({ command: service.build, cwd: service.cwd, env: options.buildEnv }));
      }
    }
    this.#queue = new ReloadQueue({
      publish: options.publish,
      reload: options.reload,
      ...(options.serving ? { serving: options.serving } : {}),
      builder: (name) => this.#builders.get(name),
    });
    for (const service of services) {
      this.#watchers.push(
        new ServiceWatcher({
          paths: service.watch,
          root: options.config.root,
          ignore: service.ignore,
          poll: options.poll,
          quietMs: options.quietMs,
          onChange: (change) => this.#queue.change(service.name, change),
          onError: (error) =>
            options.publish({
              type: 'system.notice',
              level: 'warn',
              source: `watch:${service.name}`,
              message: `cannot watch a path of ${service.name}: ${error.message}`,
              ts: Date.now(),
            }),
        }),
      );
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.#watchers.map((w) => w.start()));
  }

  /** Stops watching, cancels builds and waits for reloads under way. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all(this.#watchers.map((w) => w.stop()));
      await this.#queue.stop();
    })();
    return this.#stopping;
  }

  /** Resolves once no build or reload is under way or queued (for tests and the harness). */
  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }
}
