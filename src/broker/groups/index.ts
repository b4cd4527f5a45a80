/** The embedded broker's consumer-group coordinator: what broker/ (and its handlers) import. */
export { GroupCoordinator, type GroupCoordinatorOptions } from './coordinator.js';
export { decodeConsumerAssignment } from './assignment.js';
export { realScheduler, type Scheduler, type Cancel } from './scheduler.js';
export type * from './types.js';
