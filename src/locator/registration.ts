import type { Acl, Registration } from './types.js';

const EXAMPLE = '{"uris": ["http://127.0.0.1:8080"], "acls": [{"method": {"name": "GET"}, "pathRegex": "/svc/.*"}]}';

/**
 * Validates a registration body for service `pathName`, in any of the shapes clients send:
 * Lagom's ServiceRegistryService (`{"uris": [...], "acls": [...]}` since Lagom 1.5,
 * `{"uri": ...}` before), or devmode's own `{name?, url, portName?, acls?}`. An ACL's
 * method is a string or Lagom's `{"name": "GET"}`; either part of an ACL may be missing
 * (no method: any method; no pathRegex: any path), as in Lagom. Returns the registration,
 * or a message saying what is wrong.
 */
export function parseRegistration(text: string, pathName: string): Registration | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `the body must be JSON like ${EXAMPLE}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  const name = b.name ?? pathName;
  if (name !== pathName) return `"name" is '${String(name)}' but the path names '${pathName}'`;
  const urls = uriList(b);
  if (typeof urls === 'string') return urls;
  if (urls.length === 0) return `"uris" (or "uri", or "url") is required: where the service listens, e.g. ${EXAMPLE}`;
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      return `"${u}" is not an absolute URI`;
    }
    if (!url.hostname) return `"${u}" has no host`;
  }
  // Lagom registers every port of a service (http, https, tcp ...); HTTP is what devmode serves.
  const url = urls.find((u) => /^https?:/i.test(u)) ?? urls[0]!;
  if (b.portName !== undefined && b.portName !== null && typeof b.portName !== 'string') return '"portName" must be a string';
  const acls: Acl[] = [];
  if (b.acls !== undefined && b.acls !== null) {
    if (!Array.isArray(b.acls)) return '"acls" must be a list of {"method": {"name": "GET"}, "pathRegex": "/svc/.*"}';
    for (const [i, raw] of b.acls.entries()) {
      if (typeof raw !== 'object' || raw === null) return `acls[${i}] must be an object`;
      const { method, pathRegex } = raw as Record<string, unknown>;
      const methodName = typeof method === 'object' && method !== null && !Array.isArray(method) ? (method as { name?: unknown }).name : method;
      if (methodName !== undefined && methodName !== null && typeof methodName !== 'string') return `acls[${i}].method must be a method name ("GET") or {"name": "GET"}`;
      if (pathRegex !== undefined && pathRegex !== null && typeof pathRegex !== 'string') return `acls[${i}].pathRegex must be a regular expression over the path`;
      const regex = typeof pathRegex === 'string' ? pathRegex : '/.*';
      try {
        new RegExp(regex);
      } catch (error) {
        return `acls[${i}].pathRegex is not a valid regular expression: ${(error as Error).message}`;
      }
      acls.push({ method: typeof methodName === 'string' ? methodName.toUpperCase() : null, pathRegex: regex });
    }
  }
  return { name: pathName, url, portName: (b.portName as string | null | undefined) ?? null, acls };
}

/** The URIs a body names: `uris` (Lagom 1.5+), `uri` (Lagom before 1.5) or `url` (devmode). */
function uriList(b: Record<string, unknown>): string[] | string {
  if (b.uris !== undefined && b.uris !== null) {
    if (!Array.isArray(b.uris) || !b.uris.every((u) => typeof u === 'string')) return '"uris" must be a list of URIs';
    return b.uris as string[];
  }
  for (const key of ['uri', 'url'] as const) {
    const value = b[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return `"${key}" must be a URI string`;
    return [value];
  }
  return [];
}
