/**
 * Untrusted text on the developer's terminal (Kafka client ids, topic and group names,
 * paths, header values, a service's output) must not be able to drive it: an escape
 * sequence could clear the screen, set the window title, move the cursor to forge lines,
 * or write to the clipboard (OSC 52). So every control character is shown as a visible
 * escape (`\x1b`, `\n`, `\u202e`) where such text is printed; a service's own colours
 * (SGR sequences) are the one exception, in its output only.
 */

/** C0 controls (but tab), DEL, C1 controls, the Unicode line/paragraph separators and bidi overrides. */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Select Graphic Rendition (colours, bold): ESC [ params m. */
const SGR = /\u001b\[[0-9;:]*m/g;
/** The same as UNSAFE, without the newline: for multi-line output. */
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of untrusted text, every control character escaped (tabs kept). */
export function terminalSafe(text: string): string {
  return UNSAFE_TEST.test(text) ? text.replace(UNSAFE, escape) : text;
}

/**
 * A service's output (or a message quoting it): its colours kept when `colors` is on
 * (removed otherwise), newlines and tabs kept, every other control character escaped.
 */
export function terminalSafeOutput(text: string, colors: boolean): string {
  if (!UNSAFE_TEST.test(text)) return text;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SGR)) {
    out += text.slice(last, m.index).replace(UNSAFE_BUT_NEWLINE, escape);
    if (colors) out += m[0];
    last = m.index + m[0].length;
  }
  return out + text.slice(last).replace(UNSAFE_BUT_NEWLINE, escape);
}

/**
 * A copy of `value` (an event, a snapshot) with every string in it made safe: strings under
 * a key in `outputKeys` as output (terminalSafeOutput, colours kept), all others as one line
 * (terminalSafe). Unchanged parts are shared, so clean values cost a walk and no copy.
 */
export function terminalSafeDeep<T>(value: T, outputKeys: ReadonlySet<string> = NO_KEYS, key = ''): T {
  if (typeof value === 'string') return (outputKeys.has(key) ? terminalSafeOutput(value, true) : terminalSafe(value)) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const safe = terminalSafeDeep(item, outputKeys, key);
      if (safe !== item) (copy ??= [...value])[i] = safe;
    });
    return (copy ?? value) as T;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const safe = terminalSafeDeep(v, outputKeys, k);
    if (safe !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = safe;
  }
  return (copy ?? value) as T;
}

const NO_KEYS: ReadonlySet<string> = new Set();
