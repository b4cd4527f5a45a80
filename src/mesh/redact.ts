/**
 * Header redaction for everything devmode shows or exports of traffic (captured exchanges,
 * the admin API, the TUI): credentials never leave the process in clear.
 */

/** What a redacted header's value becomes. */
export const REDACTED = '[redacted]';

const SENSITIVE = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth',
  'x-amz-security-token',
  'x-goog-iam-authorization-token',
]);

/** Names holding one of these are treated as secrets too (x-auth-token, x-client-secret, db-password, ...). */
const SENSITIVE_PART = /token|secret|passw|apikey|api_key|api-key|credential|session|signature/i;

/** Whether a header (any case) carries a credential. */
export function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE.has(lower) || SENSITIVE_PART.test(lower);
}

/**
 * A copy of the headers with every sensitive value replaced by `[redacted]` (one per
 * value, so a list of Set-Cookie headers keeps its length). Names keep their case.
 */
export function redactHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (isSensitiveHeader(name)) out[name] = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
    else out[name] = Array.isArray(value) ? [...value] : String(value);
  }
  return out;
}

/** Redacts a raw header list as node gives it (`req.rawHeaders`: name, value, name, value...). */
export function redactRawHeaders(raw: readonly string[]): string[] {
  const out = [...raw];
  for (let i = 0; i + 1 < out.length; i += 2) if (isSensitiveHeader(out[i]!)) out[i + 1] = REDACTED;
  return out;
}
