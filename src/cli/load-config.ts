import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findConfigFile, formatDiagnostics, loadConfigWithWarnings, EXIT_CONFIG_ERROR, type SystemConfig } from '../config/index.js';
import { shouldColor } from '../tui/colors.js';
import type { CliIO } from './io.js';
import { UserError } from './errors.js';

/**
 * Finds and loads the config for a command: `-f FILE` or ./devmode.yaml. Warnings are
 * printed; errors become one UserError (exit 2) whose message is the formatted list.
 */
export async function loadConfigFor(file: string | undefined, io: CliIO): Promise<SystemConfig> {
  let configFile: string;
  if (file !== undefined) configFile = path.resolve(io.cwd, file);
  else {
    const found = findConfigFile(io.cwd);
    if (!found.ok) throw new UserError(found.error, EXIT_CONFIG_ERROR);
    configFile = found.value;
  }
  const relative = path.relative(io.cwd, configFile);
  const shown = io.cwd === process.cwd() && relative && !relative.startsWith('..') ? relative : configFile;
  const result = await loadConfigWithWarnings(shown);
  const color = shouldColor(io.stderr, io.env);
  const source = await readFile(configFile, 'utf8').catch(() => undefined);
  if (!result.ok) {
    throw new UserError(`${result.error.length === 1 ? 'the config has a mistake' : 'the config has mistakes'}:\n${formatDiagnostics(result.error, { color, ...(source !== undefined ? { source } : {}) }).trimEnd()}`, EXIT_CONFIG_ERROR);
  }
  if (result.value.warnings.length > 0) io.stderr.write(formatDiagnostics(result.value.warnings, { color, ...(source !== undefined ? { source } : {}) }));
  return result.value.config;
}
