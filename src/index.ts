/**
 * devmode as a library: the integration-test harness (`import { startSystem } from 'devmode'`).
 * The CLI is the `devmode` binary; vitest helpers are in `devmode/vitest`.
 */
export { startSystem, attachSystem, StartSystemError, type StartSystemOptions, type AttachOptions } from './harness/start-system.js';
export { DevmodeSystem, type SystemUrls, type HandleOptions, type WaitOptions, type CountExpectation } from './harness/system-handle.js';
export { HarnessOptionError } from './harness/config-subset.js';
export { BEGINNING, type Cursor } from './harness/cursor.js';
export type { Call, CallMatch } from './harness/calls.js';
export type { Message } from './harness/broker-reader.js';
export type { MessageMatch, MessagePattern } from './harness/messages.js';
export { FaultHandle, LeakedFaultError } from './harness/faults.js';
export { ServiceExitedError, WaitTimeoutError } from './harness/waits.js';
export { Harness, type HarnessOptions } from './harness/harness.js';
export type { FaultRuleInput, FaultRuleView, ProduceInput, SystemControl } from './core/contracts.js';
export type { Store, StoreSnapshot } from './core/store/index.js';
