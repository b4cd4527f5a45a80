/**
 * Makes a service's output safe to put on the TUI's screen: a service may print anything
 * (cursor moves, screen clears, window titles, progress bars redrawn with `\r`), and only
 * colours may reach the terminal. Also bounds the work: a 100,000-character line is cut
 * before any pattern runs over it, so one huge line costs what a short one does.
 */

/** Longest text kept from one line (the screen shows at most a terminal's width of it). */
export const MAX_LINE_CHARS = 1000;

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-character escapes, C0 and C1 controls.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const SGR = /^\u001b\[[0-9;:]*m$/;
const ANY_SGR = /\u001b\[[0-9;:]*m/g;

/** A line as shown: colours kept (and reset at the end), everything else that moves or clears stripped, tabs expanded, cut to `max` visible characters. */
export function safeLine(text: string, max = MAX_LINE_CHARS): string {
  // Only the start can be shown; leave room for escapes inside it.
  const preCut = text.length > max * 4;
  let s = preCut ? text.slice(0, max * 4) : text;
  if (s.includes('\r')) s = collapseCarriageReturns(s);
  let colored = false;
  s = s.replace(ESCAPES, (m) => {
    if (SGR.test(m)) {
      colored = true;
      return m;
    }
    return m === '\t' ? '  ' : '';
  });
  s = s.replace(/\t/g, '  ');
  const cut = cutVisible(s, max);
  const tooLong = cut.length < s.length || preCut;
  return cut + (tooLong ? '…' : '') + (colored ? '\u001b[0m' : '');
}

/** The same line without colours: what search and filters match against, and what the pager gets. */
export function plainLine(text: string, max = MAX_LINE_CHARS): string {
  return safeLine(text, max).replace(ANY_SGR, '');
}

/** Text with its colours (SGR sequences) removed: what a screen without colours shows. */
export function withoutColors(text: string): string {
  return text.includes('\u001b') ? text.replace(ANY_SGR, '') : text;
}

/** A progress line redrawn with `\r`: only what the terminal would finally show (the last segment). */
function collapseCarriageReturns(s: string): string {
  const trimmed = s.replace(/\r+$/, '');
  const last = trimmed.lastIndexOf('\r');
  return last === -1 ? trimmed : trimmed.slice(last + 1);
}

/** The first `max` visible characters (SGR sequences do not count). */
function cutVisible(s: string, max: number): string {
  if (s.length <= max) return s;
  let visible = 0;
  let i = 0;
  while (i < s.length && visible < max) {
    if (s.charCodeAt(i) === 0x1b) {
      const end = s.indexOf('m', i);
      i = end === -1 ? s.length : end + 1;
      continue;
    }
    visible++;
    i++;
  }
  return s.slice(0, i);
}
