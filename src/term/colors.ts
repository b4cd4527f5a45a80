/**
 * Minimal ANSI styling for the plain printer. Colour is decided once by the caller
 * (TTY, NO_COLOR, FORCE_COLOR) and passed in, so formatting stays pure.
 */
export interface Style {
  readonly enabled: boolean;
}

const CODES = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
} as const;

export type ColorName = keyof typeof CODES;

export function paint(style: Style, color: ColorName, text: string): string {
  if (!style.enabled) return text;
  const [open, close] = CODES[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Colours that services cycle through, chosen by a stable hash of the name. */
const SERVICE_COLORS: readonly ColorName[] = ['cyan', 'magenta', 'blue', 'green', 'yellow'];

export function serviceColor(name: string): ColorName {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return SERVICE_COLORS[h % SERVICE_COLORS.length] ?? 'cyan';
}

/** Whether to colour a stream: NO_COLOR (https://no-color.org) wins, then FORCE_COLOR, then TTY. */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const ANSI_PATTERN = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
