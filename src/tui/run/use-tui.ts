import type { CliIO } from '../../cli/io.js';

/**
 * Whether `devmode up` / `devmode ui` draw the TUI: only on a terminal (stdout and stdin),
 * not in CI (CI=true, as CI services set it), and not when `--plain` asked for lines.
 */
export function wantsTui(io: CliIO, plain: boolean): boolean {
  if (plain) return false;
  const ci = io.env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  return io.stdout.isTTY === true && io.stdin?.isTTY === true;
}
