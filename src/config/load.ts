/**
 * Loading devmode.yaml, in labelled phases: parse (YAML with positions), validate (the
 * schema), check (meaning: references, ports, files), build (defaults, paths, freeze).
 * Every problem of every phase that can run is reported at once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckContext, type CheckOptions } from './check-context.js';
import { checkFaults } from './check-faults.js';
import { checkKafka } from './check-kafka.js';
import { checkPorts } from './check-ports.js';
import { checkRoutes } from './check-routes.js';
import { checkService } from './check-service.js';
import { buildConfig } from './build-config.js';
import { hasErrors, sortDiagnostics, type Diagnostic, type Result } from './diagnostic.js';
import { checkDependencies } from './graph.js';
import { pruneInvalid } from './prune.js';
import type { SystemConfig } from './types.js';
import { stripExtensions, validateSchema } from './validate-schema.js';
import { ConfigSource } from './yaml-source.js';
import { findInvalidUtf8 } from './utf8.js';

/** Options of {@link parseConfig}. */
export interface ParseOptions {
  /** Check commands, cwd, env_file and watch paths on disk (default true). */
  readonly checkFiles?: boolean;
  /** PATH used to find commands (default: process.env.PATH). */
  readonly pathEnv?: string;
}

/** What a successful load returns: the config, and any warnings found on the way. */
export interface Loaded {
  readonly config: SystemConfig;
  readonly warnings: readonly Diagnostic[];
}

/**
 * Parses and checks config text. `file` is the config's path (relative paths in the
 * file resolve against its directory; diagnostics name it as given). Never throws for
 * a user's mistake. On success, warnings ride along in `value.warnings`.
 */
export function parseConfigWithWarnings(text: string, file: string, options: ParseOptions = {}): Result<Loaded, Diagnostic[]> {
  const absolute = path.resolve(file);
  const root = path.dirname(absolute);
  const checkOptions: CheckOptions = { checkFiles: options.checkFiles ?? true, pathEnv: options.pathEnv ?? process.env.PATH ?? '' };

  // --- Parse ---
  const tooLarge = sizeProblem(Buffer.byteLength(text), file);
  if (tooLarge) return { ok: false, error: [tooLarge] };
  const parsed = ConfigSource.parse(text, file);
  const diagnostics = [...parsed.diagnostics];
  if (parsed.value === undefined && hasErrors(diagnostics)) return { ok: false, error: sortDiagnostics(diagnostics) };
  const value = stripExtensions(parsed.value);

  // --- Validate against the schema ---
  diagnostics.push(...validateSchema(parsed.source, value));

  // --- Check meaning, on whatever part of the file is valid ---
  const raw = pruneInvalid(value);
  if (raw) {
    const ctx = new CheckContext(parsed.source, root, checkOptions);
    const written = writtenServices(value);
    const allNames = Object.keys(written);
    for (const [name, service] of Object.entries(raw.services)) checkService(ctx, name, service, written[name] ?? []);
    if (allNames.length === 0) ctx.error(['services'], 'key', 'no services are declared', 'add at least one service with a command or a url');
    checkDependencies(ctx, raw, allNames);
    checkPorts(ctx, raw);
    checkRoutes(ctx, raw);
    checkKafka(ctx, raw);
    checkFaults(ctx, raw, writtenFaults(value));
    diagnostics.push(...ctx.diagnostics);
  }
  if (hasErrors(diagnostics) || !raw) return { ok: false, error: sortDiagnostics(diagnostics) };

  // --- Build: defaults, absolute paths, freeze ---
  return { ok: true, value: { config: buildConfig(raw, parsed.source, absolute), warnings: sortDiagnostics(diagnostics) } };
}

/** Like {@link parseConfigWithWarnings}, returning only the config (warnings dropped). */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): Result<SystemConfig, Diagnostic[]> {
  const result = parseConfigWithWarnings(text, file, options);
  return result.ok ? { ok: true, value: result.value.config } : result;
}

/** Reads `file` and parses it; a missing or unreadable file is one diagnostic too. */
export async function loadConfig(file: string, options: ParseOptions = {}): Promise<Result<SystemConfig, Diagnostic[]>> {
  const result = await loadConfigWithWarnings(file, options);
  return result.ok ? { ok: true, value: result.value.config } : result;
}

/** Reads `file` and parses it, keeping warnings. */
export async function loadConfigWithWarnings(file: string, options: ParseOptions = {}): Promise<Result<Loaded, Diagnostic[]>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `${file} does not exist` : code === 'EISDIR' ? `${file} is a directory` : `cannot read ${file}: ${(error as Error).message}`;
    return { ok: false, error: [{ severity: 'error', message, file, line: 1, col: 1, hint: 'create it, or pass -f FILE' }] };
  }
  const tooLarge = sizeProblem(bytes.length, file);
  if (tooLarge) return { ok: false, error: [tooLarge] };
  const invalid = findInvalidUtf8(bytes);
  if (invalid) {
    const latin1 = invalid.byte >= 0xa0 ? ` (in Latin-1 it would be '${String.fromCharCode(invalid.byte)}')` : '';
    const message = `the file is not valid UTF-8: byte 0x${invalid.byte.toString(16).toUpperCase().padStart(2, '0')}${latin1}`;
    return { ok: false, error: [{ severity: 'error', message, file, line: invalid.line, col: invalid.col, length: 1, hint: 'save the file as UTF-8 (most editors offer it in "Save as" or the status bar)' }] };
  }
  return parseConfigWithWarnings(bytes.toString('utf8'), file, options);
}

/**
 * A config file larger than this is refused before it is parsed: a system of 100 services
 * takes a few kilobytes, and parsing megabytes of YAML takes seconds during which Ctrl-C
 * cannot be answered.
 */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function sizeProblem(bytes: number, file: string): Diagnostic | undefined {
  if (bytes <= MAX_CONFIG_BYTES) return undefined;
  const mib = (bytes / (1024 * 1024)).toFixed(1);
  return { severity: 'error', message: `the file is ${mib} MiB; devmode reads config files up to 1 MiB`, file, line: 1, col: 1, hint: 'a system of 100 services takes a few kilobytes: is this the right file?' };
}

/** Each fault rule's keys as written (before pruning), by index. */
function writtenFaults(value: unknown): string[][] {
  const faults = value !== null && typeof value === 'object' ? (value as { faults?: unknown }).faults : undefined;
  if (!Array.isArray(faults)) return [];
  return faults.map((rule: unknown) => (rule !== null && typeof rule === 'object' ? Object.keys(rule) : []));
}

/** Each service's keys as written (before pruning), by service name. */
function writtenServices(value: unknown): Record<string, string[]> {
  const services = value !== null && typeof value === 'object' ? (value as { services?: unknown }).services : undefined;
  const out: Record<string, string[]> = {};
  if (services === null || typeof services !== 'object' || Array.isArray(services)) return out;
  for (const [name, service] of Object.entries(services)) {
    out[name] = service !== null && typeof service === 'object' ? Object.keys(service) : [];
  }
  return out;
}
