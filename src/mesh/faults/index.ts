/** Fault rules: the table that decides, and the run-time input's validation. */
export { FaultTable, DEFAULT_FAULT_SEED, type FaultTableOptions } from './fault-table.js';
export { FaultInputError, ruleFromInput, describeAction } from './fault-input.js';
export { compilePathPattern, type PathMatcher } from './path-match.js';
export { mulberry32, seedFor } from './prng.js';
