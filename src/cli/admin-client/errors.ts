/** No devmode answers at the admin URL. The CLI prints the message alone and exits 1. */
export class NoDevmodeError extends Error {
  readonly userError = true;
  readonly exitCode = 1;
  constructor(url: string) {
    super(`no devmode is running at ${url} (start one with 'devmode up', or pass --admin URL)`);
    this.name = 'NoDevmodeError';
  }
}

/** The admin API refused a request (unknown service, bad fault): its `{error, hint}` as one message. */
export class AdminRequestError extends Error {
  readonly userError = true;
  readonly exitCode: number;
  readonly status: number;
  /** devmode's hint alone (it is in the message too) */
  readonly hint: string | undefined;
  constructor(status: number, message: string, exitCode = 1, hint?: string) {
    super(message);
    this.name = 'AdminRequestError';
    this.status = status;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A user's mistake on the command line (exit 2, like every usage error of devmode). */
export function usageError(message: string): Error {
  return Object.assign(new Error(message), { userError: true, exitCode: 2 });
}
