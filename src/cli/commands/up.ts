import { Bus } from '../../core/bus.js';
import { System } from '../../system/system.js';
import { PlainPrinter } from '../../tui/plain-printer.js';
import { wantsTui } from '../../tui/run/use-tui.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { loadConfigFor } from '../load-config.js';
import { parseFlags } from '../run.js';
import { assertNotRunning, printerNames, untilAborted } from './shared.js';
import { runTuiProcess } from './tui-process.js';

/**
 * `devmode up`: run the whole system until Ctrl-C (or SIGTERM/SIGHUP), then stop everything.
 * A service that does not become ready does not stop the others (as with docker compose):
 * it is reported, restarted per its policy, and hot reload brings it up once fixed.
 * On a terminal the TUI shows it (q quits); with --plain, in CI or piped, one line per event.
 */
export async function up(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values } = parseFlags({ args, options: {
    file: { type: 'string', short: 'f' },
    plain: { type: 'boolean' },
    poll: { type: 'boolean' },
  } });
  const config = await loadConfigFor(values.file, io);
  await assertNotRunning(config);
  const tui = wantsTui(io, values.plain === true);
  // While the TUI owns the screen, what this process would write on it waits until it has left.
  const held: string[] = [];
  const bus = new Bus({ onListenerError: (error) => (tui ? held.push(`devmode: a view failed: ${String(error)}`) : io.stderr.write(`devmode: a view failed: ${String(error)}\n`)) });
  const color = shouldColor(io.stdout, io.env);
  const printer = new PlainPrinter({ bus, out: io.stdout, color, names: printerNames(config) });
  if (!tui) printer.start();
  const system = new System({ config, bus, env: io.env, watch: true, ...(values.poll ? { poll: true } : {}) });
  try {
    if (signal.aborted) return 0;
    const onAbort = () => void system.stop(String(signal.reason ?? 'signal'));
    signal.addEventListener('abort', onAbort, { once: true });
    if (!tui) {
      await system.start();
      await untilAborted(signal);
      return 0;
    }
    // The TUI is `devmode ui` in its own process (tui-process.ts says why), attached once the admin API listens.
    // Node's own warnings (kafkajs's negative timer on Node 23+, when a message is produced
    // from the TUI) are written to stderr, over the TUI's screen: held too.
    const restoreWarnings = holdWarnings((line) => held.push(line));
    const leave = new AbortController();
    const onSignal = () => leave.abort();
    signal.addEventListener('abort', onSignal, { once: true });
    const started = system.start();
    started.catch(() => leave.abort());
    let shown: Promise<{ outcome: 'quit' | 'failed' | 'signal' }> | undefined;
    try {
      const adminUrl = await Promise.race([system.store.waitFor((s) => s.header.adminUrl || null, { timeout: 120_000, signal: leave.signal, what: 'the admin API' }), started.then(() => system.addresses.adminUrl ?? '')]);
      shown = runTuiProcess({ adminUrl, env: io.env, stdout: io.stdout, signal: leave.signal });
      // q while starting stops the start too
      const first = await Promise.race([started.then(() => 'started' as const), shown]);
      const ended = first === 'started' ? await shown : first;
      if (ended.outcome === 'failed') {
        restoreWarnings();
        printer.start();
        await untilAborted(signal);
      } else if (ended.outcome === 'quit') io.stdout.write('devmode: stopping (q)\n');
    } catch (error) {
      await started; // a failed start's own error is the one to show
      if (!signal.aborted) throw error;
    } finally {
      leave.abort();
      signal.removeEventListener('abort', onSignal);
      await shown;
      // back on the terminal's own screen: the stop is printed as lines
      restoreWarnings();
      printer.start();
      for (const m of held) io.stderr.write(`${m}\n`);
    }
    return 0;
  } finally {
    await system.stop(String(signal.reason ?? 'done'));
    printer.stop();
  }
}

/** Sends process warnings to `hold` instead of stderr until the returned function (idempotent) puts Node's own printing back. */
function holdWarnings(hold: (line: string) => void): () => void {
  const printers = process.listeners('warning');
  const onWarning = (warning: Error) => hold(`(node) ${warning.name}: ${warning.message}`);
  process.removeAllListeners('warning');
  process.on('warning', onWarning);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    process.off('warning', onWarning);
    for (const p of printers) process.on('warning', p);
  };
}
