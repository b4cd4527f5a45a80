import { connectRemoteStore, resolveAdminUrl } from '../admin-client/index.js';
import { shouldColor } from '../../term/colors.js';
import { wantsTui } from '../../tui/run/use-tui.js';
import { UserError } from '../errors.js';
import type { CliIO } from '../io.js';
import { parseFlags } from '../run.js';
import { adminFlags, configAccess } from './wait.js';
import { leaveWithParent, UI_PARENT_ENV } from './tui-process.js';

const DEFAULT_MAX_RPS = 500;

/**
 * `devmode ui [--admin URL] [--max-rps N]`: the TUI on a devmode that is already running (`devmode up
 * --plain` in another terminal, `devmode test`), fed by its admin API. Quitting leaves that
 * devmode running.
 */
export async function ui(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({ args, options: { ...adminFlags, 'max-rps': { type: 'string' } } });
  const maxRps = parseMaxRps(values['max-rps']);
  if (!wantsTui(io, false)) throw new UserError('devmode ui draws on a terminal: run it in one (not piped, not with CI=true); for lines, use devmode events or devmode logs', 2);
  const resolved = await resolveAdminUrl({ flag: values.admin, file: values.file, env: io.env, cwd: io.cwd, config: configAccess });
  const session = await connectRemoteStore(resolved.url, { maxRps });
  // started by devmode up: leave with it, even when it was killed hard
  const leave = new AbortController();
  const onSignal = () => leave.abort();
  signal.addEventListener('abort', onSignal, { once: true });
  const stopWatching = leaveWithParent(io.env, () => leave.abort());
  try {
    const { runTui } = await loadTui();
    await runTui({ store: session.store, control: session.control, stdout: io.stdout as NodeJS.WriteStream, stdin: io.stdin!, env: io.env, color: shouldColor(io.stdout, io.env), attached: !io.env[UI_PARENT_ENV], signal: leave.signal });
    return 0;
  } finally {
    stopWatching();
    signal.removeEventListener('abort', onSignal);
    await session.close();
  }
}

/**
 * The calls a second the tap asks for (default 500): a TUI cannot show thousands a second,
 * and each one cost devmode and the TUI a JSON round trip. 0: every call.
 */
function parseMaxRps(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_RPS;
  if (!/^\d{1,9}$/.test(text.trim())) throw new UserError(`--max-rps must be a whole number of calls a second (0: every call), got '${text}'`, 2);
  return Number(text.trim());
}

/**
 * Loads the TUI (ink, React) with React's production build: React picks its build from
 * NODE_ENV when it is first loaded, and its development build spent several times the CPU
 * per frame (createElement checks, component render logging) in a TUI following a busy
 * system. A NODE_ENV the user set is left as it is; ours is taken back once loaded, so
 * nothing this process starts ($PAGER) sees it.
 */
async function loadTui(): Promise<typeof import('../../tui/run/run-tui.js')> {
  const unset = process.env['NODE_ENV'] === undefined;
  if (unset) process.env['NODE_ENV'] = 'production';
  try {
    return await import('../../tui/run/run-tui.js');
  } finally {
    if (unset) delete process.env['NODE_ENV'];
  }
}
