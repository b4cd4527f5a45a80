import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { Debouncer, type Timers } from './debounce.js';
import { createIgnore } from './ignore.js';
import { deferred } from '../util/deferred.js';

/** One burst of file changes under a service's watched paths. */
export interface FileChange {
  /** the first file changed in the burst, relative to `root` (POSIX separators) */
  trigger: string;
  /** distinct files changed in the burst */
  files: number;
  /** Date.now() when the first change of the burst was seen */
  firstAt: number;
}

export interface ServiceWatcherOptions {
  /** absolute paths to watch (files or directories) */
  paths: readonly string[];
  /** the config root: triggers are reported relative to it */
  root: string;
  /** extra globs to ignore (the config's `ignore`), besides node_modules, .git, dist, build, .devmode */
  ignore?: readonly string[];
  /** poll instead of native events: `true` (100 ms) or an interval in ms; for network or container file systems */
  poll?: boolean | number;
  /** quiet period that ends a burst (default 50 ms) */
  quietMs?: number;
  /** longest burst before a change is reported anyway (default 500 ms) */
  maxWaitMs?: number;
  onChange(change: FileChange): void;
  /** a watcher error (a path that cannot be read); watching goes on */
  onError?(error: Error): void;
  timers?: Timers;
}

/**
 * Watches one service's files with chokidar and reports each burst of changes once.
 * Start resolves once the initial scan is done, so a change made after it is seen.
 */
export class ServiceWatcher {
  readonly #options: ServiceWatcherOptions;
  readonly #debouncer: Debouncer;
  #watcher: FSWatcher | undefined;
  #stopped = false;
  readonly #ready = deferred();

  constructor(options: ServiceWatcherOptions) {
    this.#options = options;
    this.#debouncer = new Debouncer(
      (burst) => options.onChange({ trigger: burst.trigger, files: burst.files, firstAt: burst.firstAt }),
      { quietMs: options.quietMs, maxWaitMs: options.maxWaitMs, timers: options.timers },
    );
  }

  async start(): Promise<void> {
    if (this.#watcher || this.#stopped) return;
    const { paths, poll } = this.#options;
    const watcher = watch([...paths], {
      ignoreInitial: true,
      ignored: createIgnore(paths, this.#options.ignore ?? []),
      usePolling: poll !== undefined && poll !== false,
      interval: typeof poll === 'number' ? poll : 100,
      // Without this a deleted-then-recreated file (an editor's atomic save) is reported
      // 100 ms late; the debouncer already merges the unlink and the add.
      atomic: false,
    });
    this.#watcher = watcher;
    watcher.on('all', (event, file) => {
      if (event === 'add' || event === 'change' || event === 'unlink') this.#seen(file);
    });
    watcher.on('error', (error) => this.#options.onError?.(error instanceof Error ? error : new Error(String(error))));
    watcher.once('ready', () => this.#ready.resolve());
    await this.#ready.promise;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#debouncer.cancel();
    const watcher = this.#watcher;
    if (!watcher) return;
    // A closed watcher never emits 'ready': release a start() still waiting for it.
    this.#ready.resolve();
    await watcher.close();
  }

  #seen(file: string): void {
    if (this.#stopped) return;
    const rel = path.relative(this.#options.root, path.resolve(file)).split(path.sep).join('/');
    this.#debouncer.add(rel);
  }
}
