/**
 * Path patterns of fault rules, as written for routes: literal segments, `:param` and `*`
 * (one segment), `**` (the rest, possibly nothing) and a trailing `*` (one or more
 * segments); `*` alone matches every path. The query string is ignored.
 */
export type PathMatcher = (path: string) => boolean;

/** Compiles a pattern; returns a problem description instead for a malformed one. */
export function compilePathPattern(pattern: string): PathMatcher | string {
  if (pattern === '*' || pattern === '/**') return () => true;
  if (!pattern.startsWith('/')) return `path '${pattern}' must start with / (or be '*')`;
  const segments = pattern.slice(1).split('/');
  let source = '^';
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (!last) return `path '${pattern}': '**' may only be the last segment`;
      source += '(?:/.*)?';
      return regexMatcher(source);
    }
    if (segment === '*' && last && i > 0) return regexMatcher(source + '/.+');
    if (segment === '*' || /^:[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) {
      source += '/[^/]+';
      continue;
    }
    if (segment.includes('*') || segment.startsWith(':')) return `path '${pattern}': segment '${segment}' must be literal, :name, * or **`;
    source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  }
  return regexMatcher(source + '/?');
}

function regexMatcher(source: string): PathMatcher {
  const regex = new RegExp(`${source}$`);
  return (path) => {
    const q = path.indexOf('?');
    return regex.test(q === -1 ? path : path.slice(0, q));
  };
}
