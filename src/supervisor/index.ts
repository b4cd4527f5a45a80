/** The supervisor's public face: what system/ wires. */
export { Supervisor, type SupervisorOptions } from './supervisor.js';
export { InstanceSlot, type SlotSpec, type SwapHandle } from './instance-slot.js';
export { ManagedProcess, describeExit, type ManagedProcessOptions, type GroupTracker } from './managed-process.js';
export { Watchdog, type WatchdogOptions } from './watchdog.js';
export { Backoff, DEFAULT_BACKOFF, shouldRestart, type BackoffOptions, type RestartDecision, type RestartPolicy } from './backoff.js';
export { InstanceFailedError, instanceLabel, type ExitInfo } from './exit-info.js';
export { ReadinessTimeoutError } from './readiness/wait-ready.js';
