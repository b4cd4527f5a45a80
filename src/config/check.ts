/**
 * `devmode check [-f FILE]`: validate devmode.yaml and say what it describes. The CLI
 * (src/cli/) parses arguments and calls these; nothing here touches process globals.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAMES } from './defaults.js';
import type { Result } from './diagnostic.js';
import { formatDiagnostics } from './format.js';
import { startOrder } from './graph.js';
import { loadConfigWithWarnings, type ParseOptions } from './load.js';
import type { SystemConfig } from './types.js';
import { exists } from './find-command.js';

/** Where `checkCommand` writes. */
export interface CheckIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** ANSI colours in diagnostics */
  readonly color: boolean;
}

/** Exit code for an invalid (or missing) config file. */
export const EXIT_CONFIG_ERROR = 2;

/**
 * The config file in `cwd`: devmode.yaml, else devmode.yml. Only `cwd` is searched, not
 * its parents, as docker compose does by default: running from a subdirectory should not
 * silently start a system defined somewhere above.
 */
export function findConfigFile(cwd: string): Result<string, string> {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(cwd, name);
    if (exists(file)) return { ok: true, value: file };
  }
  return { ok: false, error: `no devmode.yaml in ${cwd}; create one or pass -f FILE` };
}

/**
 * Validates `file`, printing every problem to stderr. Returns 0 (and a summary on
 * stdout) when the file is valid, {@link EXIT_CONFIG_ERROR} otherwise. Warnings print
 * but do not fail.
 */
export async function checkCommand(file: string, io: CheckIo, options: ParseOptions = {}): Promise<number> {
  const result = await loadConfigWithWarnings(file, options);
  const diagnostics = result.ok ? result.value.warnings : result.error;
  if (diagnostics.length > 0) {
    io.stderr.write(formatDiagnostics(diagnostics, { color: io.color, source: readQuietly(file) }));
  }
  if (!result.ok) return EXIT_CONFIG_ERROR;
  io.stdout.write(`${summarize(result.value.config, file)}\n`);
  return 0;
}

/** One paragraph: what the file describes. */
export function summarize(config: SystemConfig, file: string): string {
  const managed = config.services.filter((s) => s.kind === 'managed');
  const unmanaged = config.services.length - managed.length;
  const instances = managed.reduce((sum, s) => sum + s.instances, 0);
  const routes = config.services.reduce((sum, s) => sum + s.routes.length, 0);
  const parts = [
    `${count(managed.length, 'managed service')} (${count(instances, 'instance')})`,
    ...(unmanaged > 0 ? [count(unmanaged, 'unmanaged service')] : []),
  ];
  const kafka = config.kafka.mode === 'external' ? `external (${config.kafka.brokers.join(', ')})` : config.kafka.mode;
  const topics = config.kafka.topics.length > 0 ? ` with ${count(config.kafka.topics.length, 'topic')}` : '';
  const faults = config.faults.length > 0 ? `; ${count(config.faults.length, 'fault rule')}` : '';
  const waves = startOrder(config).map((wave) => wave.join(', '));
  return (
    `${file} is valid: system '${config.name}' with ${parts.join(' and ')}, ` +
    `${count(routes, 'gateway route')}, kafka ${kafka}${topics}${faults}. ` +
    `Start order: ${waves.join(', then ')}.`
  );
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
