/** The read model: the Store and its snapshot types (see store.ts and snapshot.ts). */
export type * from './snapshot.js';
export type { Store, StoreLimits, WaitOptions } from './store.js';
export type { DeclaredService, ProcessUsage, RegisteredService, StoreSources, TrafficSource } from './sources.js';
export { EventStore, DEFAULT_LIMITS, type EventStoreOptions } from './event-store.js';
export { prepareSnapshot, draftInstance, draftEdge, StaticStore, type SnapshotDraft } from './prepared.js';
export { toSystemState } from './state-view.js';
