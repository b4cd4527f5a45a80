/**
 * The route a path belongs to for statistics: the query is dropped and id-like segments
 * become `:id`, so /api/orders/17 and /api/orders/18 count together. Id-like: all digits,
 * a UUID, a long hex string (an ObjectId, a hash), or a long token mixing letters and digits.
 */
const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_HEX = /^[0-9a-f]{12,}$/i;
const TOKEN = /^[A-Za-z0-9_-]{20,}$/;
const HAS_DIGIT = /\d/;
const HAS_LETTER = /[A-Za-z]/;

export function routeOf(path: string): string {
  const q = path.indexOf('?');
  const bare = q === -1 ? path : path.slice(0, q);
  if (bare === '' || bare === '/') return '/';
  const segments = bare.split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s !== '' && isId(s)) segments[i] = ':id';
  }
  return segments.join('/');
}

function isId(segment: string): boolean {
  if (DIGITS.test(segment)) return true;
  if (segment.length === 36 && UUID.test(segment)) return true;
  if (LONG_HEX.test(segment) && HAS_DIGIT.test(segment)) return true;
  return TOKEN.test(segment) && HAS_DIGIT.test(segment) && HAS_LETTER.test(segment);
}
