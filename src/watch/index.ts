/** watch/: file changes to hot reloads. system/ imports from here. */
export { HotReload, type HotReloadOptions } from './hot-reload.js';
export { ServiceWatcher, type ServiceWatcherOptions, type FileChange } from './service-watcher.js';
export { BuildRunner, type BuildRunnerOptions, type BuildResult } from './build-runner.js';
export { ReloadQueue, type ReloadQueueOptions, type Builder } from './reload-queue.js';
export { Debouncer, type Burst, type DebounceOptions, type Timers } from './debounce.js';
export { createIgnore, ALWAYS_IGNORED_DIRS } from './ignore.js';
