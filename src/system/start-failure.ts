/** An instance that did not become ready while the system started. */
export interface StartFailure {
  service: string;
  instance: number;
  message: string;
  lastLines: readonly string[];
}

/**
 * The system could not start (a port taken, the broker mode unavailable) or a service never
 * became ready. A user's problem, not a devmode bug: the CLI prints only the message.
 */
export class SystemStartError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  readonly failures: readonly StartFailure[];
  constructor(message: string, failures: readonly StartFailure[] = []) {
    super(message);
    this.name = 'SystemStartError';
    this.failures = failures;
  }
}

/** "user.1 was not ready within 30000 ms" plus its last output lines, indented. */
export function describeFailures(failures: readonly StartFailure[], lines = 15): string {
  return failures
    .map((f) => {
      const tail = f.lastLines.slice(-lines).map((l) => `    ${l}`);
      return [`  ${f.message}`, ...(tail.length ? ['  last output:', ...tail] : ['  (no output)'])].join('\n');
    })
    .join('\n');
}
