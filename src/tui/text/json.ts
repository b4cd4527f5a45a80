/** A line that is a JSON object or array, pretty-printed (2 spaces), or null when it is not one. */
export function prettyJson(text: string): string[] | null {
  const t = text.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return null;
  try {
    return JSON.stringify(JSON.parse(t), null, 2).split('\n');
  } catch {
    return null;
  }
}
