/** Traffic statistics per edge and route over a sliding window. */
export { TrafficStats, type TrafficStatsOptions } from './traffic-stats.js';
export { SlidingWindow, type WindowSnapshot } from './sliding-window.js';
export { routeOf } from './route-key.js';
export { bucketOf, bucketValue, quantile, BUCKETS } from './log-histogram.js';
