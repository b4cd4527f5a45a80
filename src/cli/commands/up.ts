import { Bus } from '../../core/bus.js';
import { System } from '../../system/system.js';
import { PlainPrinter } from '../../tui/plain-printer.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { loadConfigFor } from '../load-config.js';
import { parseFlags } from '../run.js';
import { assertNotRunning, printerNames, untilAborted } from './shared.js';

/**
 * `devmode up`: run the whole system until Ctrl-C (or SIGTERM/SIGHUP), then stop everything.
 * A service that does not become ready does not stop the others (as with docker compose):
 * it is reported, restarted per its policy, and hot reload brings it up once fixed.
 */
export async function up(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({ args, options: {
    file: { type: 'string', short: 'f' },
    plain: { type: 'boolean' },
    poll: { type: 'boolean' },
  } });
  const config = await loadConfigFor(values.file, io);
  await assertNotRunning(config);
  const bus = new Bus({ onListenerError: (error) => io.stderr.write(`devmode: a view failed: ${String(error)}\n`) });
  const printer = new PlainPrinter({ bus, out: io.stdout, color: shouldColor(io.stdout, io.env), names: printerNames(config) });
  printer.start();
  const system = new System({ config, bus, env: io.env, watch: true, ...(values.poll ? { poll: true } : {}) });
  try {
    if (signal.aborted) return 0;
    const onAbort = () => void system.stop(String(signal.reason ?? 'signal'));
    signal.addEventListener('abort', onAbort, { once: true });
    await system.start();
    await untilAborted(signal);
    return 0;
  } finally {
    await system.stop(String(signal.reason ?? 'done'));
    printer.stop();
  }
}
