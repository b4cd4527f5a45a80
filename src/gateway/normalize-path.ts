/** A `.` or `..` segment, written plainly or percent-encoded (`%2e`, `%2E`). */
const DOT_SEGMENT = /(^|\/)(\.|%2e)(\.|%2e)?(\/|$|\?)/i;

/**
 * Resolves the dot segments of a request's path the way nginx does before it routes:
 * `/a/./b/../c` is `/a/c`, and percent-encoded dots count too (a service that decodes
 * the path would otherwise see `/a/../../etc/passwd`). A path that climbs above the
 * root gives null (nginx answers 400). The query string is kept as it came.
 */
export function normalizePath(url: string): string | null {
  if (!DOT_SEGMENT.test(url)) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  const segments = path.split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const dots = segment.replace(/%2e/gi, '.');
    const last = i === segments.length - 1;
    if (dots === '.' || dots === '..') {
      if (dots === '..' && out.pop() === undefined) return null;
      // `/a/b/..` names the directory `/a/`: the trailing slash stays
      if (last) out.push('');
    } else out.push(segment);
  }
  return `/${out.join('/')}${query}`;
}
