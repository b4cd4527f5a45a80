/**
 * A mistake the user can fix (bad flag, missing config file, busy port). The CLI prints
 * only its message (no stack trace) and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** True for errors that describe a user's mistake rather than a devmode bug. */
export function isUserError(error: unknown): error is Error & { exitCode?: number } {
  if (error instanceof UserError) return true;
  // Parts raise their own typed errors for user mistakes (PortInUseError, ...): they
  // mark themselves with `userError = true` so the CLI need not import every part.
  return typeof error === 'object' && error !== null && (error as { userError?: unknown }).userError === true;
}
