import { execa } from 'execa';
import { Bus } from '../../core/bus.js';
import { testCommandEnvironment } from '../../system/environment.js';
import { describeFailures } from '../../system/start-failure.js';
import { System } from '../../system/system.js';
import { PlainPrinter } from '../../tui/plain-printer.js';
import { shouldColor } from '../../term/colors.js';
import type { CliIO } from '../io.js';
import { UserError } from '../errors.js';
import { loadConfigFor } from '../load-config.js';
import { parseFlags } from '../run.js';
import { assertNotRunning, printerNames } from './shared.js';

/**
 * `devmode test [-f FILE] -- CMD [ARGS...]`: start the system, wait until it is ready (or
 * fail with the failing service's last lines), run CMD with the system's addresses in its
 * environment, stop everything, and exit with CMD's exit code. Any language's test runner
 * works this way in CI.
 */
export async function test(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags({ args, options: { file: { type: 'string', short: 'f' }, quiet: { type: 'boolean', short: 'q' } }, allowPositionals: true });
  const [command, ...commandArgs] = positionals;
  if (command === undefined) throw new UserError("devmode test needs a command to run: devmode test -- npm test", 2);
  const config = await loadConfigFor(values.file, io);
  await assertNotRunning(config);
  const bus = new Bus();
  // The system's own lines go to stderr so the command's stdout stays its own.
  const printer = new PlainPrinter({ bus, out: io.stderr, color: shouldColor(io.stderr, io.env), names: printerNames(config) });
  if (!values.quiet) printer.start();
  const system = new System({ config, bus, env: io.env, watch: false, externalCaller: 'test' });
  const onAbort = () => void system.stop(String(signal.reason ?? 'signal'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const failures = await system.start();
    if (failures.length > 0) {
      io.stderr.write(`devmode: the system did not become ready, so '${command}' was not run:\n${describeFailures(failures)}\n`);
      return 1;
    }
    if (signal.aborted) return 130;
    const env = testCommandEnvironment(io.env, system.addresses, system.externalServiceUrls);
    const child = execa(command, commandArgs, { env, extendEnv: false, stdio: 'inherit', reject: false, cancelSignal: signal, cwd: io.cwd });
    const result = await child;
    if (result.failed && result.exitCode === undefined) {
      if (signal.aborted) return 130;
      const code = (result as { code?: string }).code;
      if (code === 'ENOENT') throw new UserError(`cannot run '${command}': command not found`, 127);
      throw new UserError(`cannot run '${command}': ${result.shortMessage}`, 126);
    }
    return result.exitCode ?? 1;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await system.stop('done');
    printer.stop();
  }
}
