import type { Acl, Registration } from './types.js';

/**
 * Validates a Lagom registration body (`{name, url, portName?, acls?}`) for service
 * `pathName`. Returns the registration, or a message saying what is wrong.
 */
export function parseRegistration(text: string, pathName: string): Registration | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'the body must be JSON like {"name": "svc", "url": "http://127.0.0.1:8080", "acls": [{"method": "GET", "pathRegex": "/svc/.*"}]}';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  const name = b.name ?? pathName;
  if (name !== pathName) return `"name" is '${String(name)}' but the path names '${pathName}'`;
  if (typeof b.url !== 'string') return '"url" is required: the absolute URL where the service listens';
  let url: URL;
  try {
    url = new URL(b.url);
  } catch {
    return `"url" is not an absolute URL: ${b.url}`;
  }
  if (!url.hostname) return `"url" has no host: ${b.url}`;
  if (b.portName !== undefined && b.portName !== null && typeof b.portName !== 'string') return '"portName" must be a string';
  const acls: Acl[] = [];
  if (b.acls !== undefined && b.acls !== null) {
    if (!Array.isArray(b.acls)) return '"acls" must be a list of {"method", "pathRegex"}';
    for (const [i, raw] of b.acls.entries()) {
      if (typeof raw !== 'object' || raw === null) return `acls[${i}] must be an object`;
      const { method, pathRegex } = raw as Record<string, unknown>;
      if (method !== undefined && method !== null && typeof method !== 'string') return `acls[${i}].method must be a string`;
      if (typeof pathRegex !== 'string') return `acls[${i}].pathRegex is required (a regular expression over the path)`;
      try {
        new RegExp(pathRegex);
      } catch (error) {
        return `acls[${i}].pathRegex is not a valid regular expression: ${(error as Error).message}`;
      }
      acls.push({ method: typeof method === 'string' ? method.toUpperCase() : null, pathRegex });
    }
  }
  return { name: pathName, url: b.url, portName: (b.portName as string | null | undefined) ?? null, acls };
}
