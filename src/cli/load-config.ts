import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findConfigFile, formatDiagnostics, loadConfigWithWarnings, EXIT_CONFIG_ERROR, type SystemConfig } from '../config/index.js';
import { shouldColor } from '../term/colors.js';
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
  const diagnostics = result.ok ? result.value.warnings : result.error;
  // The file is read again only to quote lines in messages, so only when there are any.
  const source = diagnostics.length > 0 ? await readFile(configFile, 'utf8').catch(() => undefined) : undefined;
  const printed = formatDiagnostics(diagnostics, { color: shouldColor(io.stderr, io.env), ...(source !== undefined ? { source } : {}) });
  if (!result.ok) {
    throw new UserError(`${result.error.length === 1 ? 'the config has a mistake' : 'the config has mistakes'}:\n${printed.trimEnd()}`, EXIT_CONFIG_ERROR);
  }
  if (diagnostics.length > 0) io.stderr.write(printed);
  return result.value.config;
}
