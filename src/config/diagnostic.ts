/**
 * A user-facing problem in a config file, located by file, line and column, the way
 * compilers report them. Config code never throws for a user's mistake: it returns these.
 */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** one plain sentence: what is wrong (no trailing period) */
  readonly message: string;
  /** what to do about it, e.g. "did you mean 'command'?" */
  readonly hint?: string;
  /** path of the config file, as given to the loader */
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly col: number;
  /** characters to underline from col (on that line); absent or 0 = a single caret */
  readonly length?: number;
}

/** Success with a value, or failure with an error value; never thrown. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** Whether any diagnostic is an error (warnings alone do not fail a load). */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by position, so output reads top to bottom like the file. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
