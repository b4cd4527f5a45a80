import { AdminHttpError } from './http-json.js';

/**
 * Maps an error thrown by a SystemControl command to an HTTP answer. Commands mark the
 * caller's mistakes with `userError = true` (optionally `status` and `hint`), as every part
 * does for the CLI; anything else is devmode's own failure (500).
 */
export function fromControlError(error: unknown, fallbackStatus = 400): AdminHttpError {
  if (error instanceof AdminHttpError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { userError?: unknown; status?: unknown; hint?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const hint = typeof e.hint === 'string' ? e.hint : undefined;
  if (e.userError === true) {
    const status = typeof e.status === 'number' && ((e.status >= 400 && e.status < 500) || e.status === 501 || e.status === 503) ? e.status : fallbackStatus;
    return new AdminHttpError(status, message, hint);
  }
  return new AdminHttpError(500, `devmode failed: ${message}`, 'this is a devmode bug; the rest of the system keeps running');
}
