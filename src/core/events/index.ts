/**
 * The event vocabulary: one typed union of everything devmode's parts report.
 * Each part's variants live in their own file; this union is what the Bus carries.
 */
import type { ServiceEvent } from './service.js';
import type { SystemEvent } from './system.js';
import type { BrokerEvent } from './broker.js';
import type { TrafficEvent } from './traffic.js';
import type { FaultEvent } from './fault.js';

export type * from './service.js';
export type * from './system.js';
export type * from './broker.js';
export type * from './traffic.js';
export { UNROUTED, traceIdOf } from './traffic.js';
export type * from './fault.js';

export type DevmodeEvent = ServiceEvent | SystemEvent | BrokerEvent | TrafficEvent | FaultEvent;
export type EventType = DevmodeEvent['type'];
/** The variant of DevmodeEvent whose `type` is T. */
export type EventOf<T extends EventType> = Extract<DevmodeEvent, { type: T }>;
