/**
 * The mesh: per caller/callee edges, traffic statistics, fault rules, body capture with
 * redaction, and the observed topology. system/ builds these and wires them to the Bus.
 */
export { MeshEdge, type MeshEdgeOptions, type EdgeFaults } from './edge.js';
export { TrafficStats, type TrafficStatsOptions, routeOf } from './stats/index.js';
export { FaultTable, FaultInputError, DEFAULT_FAULT_SEED, type FaultTableOptions } from './faults/index.js';
export { BodyCapture, type CapturedExchange, type CaptureTarget, type BodyCaptureOptions } from './capture/index.js';
export { HeaderRing } from './capture/index.js';
export { Topology, type TopologyOptions } from './topology.js';
export { redactHeaders, redactRawHeaders, isSensitiveHeader, REDACTED } from './redact.js';
export { TraceparentSource } from '../net/traceparent.js';
