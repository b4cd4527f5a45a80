import { isSensitiveHeader, REDACTED } from '../mesh/redact.js';

/**
 * Redacts credentials in free text (log lines, message values, report files): the values
 * of sensitive names (the mesh's header rule: authorization, cookie, *token*, *secret*,
 * *passw*, ...) written as `name=value`, `name: value` or `"name": "value"`, bearer/basic
 * credentials, passwords in URLs, and any literal secret the caller knows (the values of
 * sensitive environment variables).
 */
export class TextRedactor {
  readonly #literals: string[];

  constructor(secrets: Iterable<string> = []) {
    // longest first, so a secret containing another is replaced whole
    this.#literals = [...new Set([...secrets].filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  }

  /** Secrets among an environment: the values of variables with sensitive names. */
  static secretsOf(env: Readonly<Record<string, string | undefined>>): string[] {
    return Object.entries(env)
      .filter(([name, value]) => value !== undefined && isSensitiveHeader(name.replace(/_/g, '-')))
      .map(([, value]) => value!);
  }

  /** A copy of a JSON-like value with every string in it redacted (and sensitive keys' values replaced). */
  redactDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = sensitive(key) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : this.redactDeep(v);
      return out;
    }
    return value;
  }

  redact(text: string): string {
    let out = text;
    for (const literal of this.#literals) out = out.split(literal).join(REDACTED);
    out = out.replace(/(:\/\/[^/\s:@]+):[^/\s@]+@/g, `$1:${REDACTED}@`);
    out = out.replace(/"([A-Za-z0-9_.-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (all, name: string, sep: string) => (sensitive(name) ? `"${name}"${sep}"${REDACTED}"` : all));
    out = out.replace(/\b([A-Za-z0-9_.-]+)=([^\s&;,"']+)/g, (all, name: string) => (sensitive(name) ? `${name}=${REDACTED}` : all));
    out = out.replace(/\b([A-Za-z0-9_-]+):[ \t]+((?:(?:Bearer|Basic|Digest)[ \t]+)?[^\s,;]+)/gi, (all, name: string) => (sensitive(name) ? `${name}: ${REDACTED}` : all));
    out = out.replace(/\b(Bearer|Basic|Digest)[ \t]+(?!\[redacted\])[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`);
    return out;
  }
}

function sensitive(name: string): boolean {
  return isSensitiveHeader(name.replace(/_/g, '-'));
}
