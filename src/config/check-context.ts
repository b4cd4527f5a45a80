/** What every semantic check gets: where to report, and how to reach the file system. */
import type { Diagnostic } from './diagnostic.js';
import type { ConfigPath, ConfigSource, Target } from './yaml-source.js';

/** Options of {@link parseConfig} that the checks use. */
export interface CheckOptions {
  /** Check commands, cwd, env_file and watch paths on disk (default true). */
  readonly checkFiles: boolean;
  /** PATH used to find commands (default: process.env.PATH). */
  readonly pathEnv: string;
}

/** Collects diagnostics for one file. */
export class CheckContext {
  readonly source: ConfigSource;
  /** absolute directory of the config file */
  readonly root: string;
  readonly options: CheckOptions;
  readonly diagnostics: Diagnostic[] = [];

  constructor(source: ConfigSource, root: string, options: CheckOptions) {
    this.source = source;
    this.root = root;
    this.options = options;
  }

  /** Reports an error at `path`. */
  error(path: ConfigPath, target: Target, message: string, hint?: string): void {
    this.diagnostics.push(this.source.diag(path, target, message, hint, 'error'));
  }

  /** Reports an error underlining `needle` inside the value at `path` (e.g. the program in a command line). */
  errorAt(path: ConfigPath, needle: string, message: string, hint?: string): void {
    const d = this.source.diag(path, 'value', message, hint, 'error');
    const line = this.source.lineText(d.line);
    const index = line.indexOf(needle, d.col - 1);
    this.diagnostics.push(index === -1 ? d : { ...d, col: index + 1, length: needle.length });
  }

  /** Reports a warning at `path` (does not fail the load). */
  warn(path: ConfigPath, target: Target, message: string, hint?: string): void {
    this.diagnostics.push(this.source.diag(path, target, message, hint, 'warning'));
  }
}

/** A string or list as a list. */
export function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
