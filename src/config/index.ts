/** The config part's public face: what system/ and cli/ import. */
export type * from './types.js';
export type { Diagnostic, Result } from './diagnostic.js';
export { hasErrors } from './diagnostic.js';
export { loadConfig, loadConfigWithWarnings, parseConfig, parseConfigWithWarnings, type Loaded, type ParseOptions } from './load.js';
export { formatDiagnostics, type FormatOptions } from './format.js';
export { checkCommand, findConfigFile, summarize, EXIT_CONFIG_ERROR, type CheckIo } from './check.js';
export { startOrder } from './graph.js';
export { parseDuration, parseSize } from './units.js';
export { DEFAULTS, CONFIG_FILE_NAMES } from './defaults.js';
