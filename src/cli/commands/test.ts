import path from 'node:path';
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
import type { SystemConfig } from '../../config/index.js';
import { BEGINNING } from '../../harness/cursor.js';
import { reportRoot } from '../../harness/report.js';
import { localBackend } from '../../harness/start-system.js';
import { DevmodeSystem } from '../../harness/system-handle.js';

/**
 * `devmode test [-f FILE] -- CMD [ARGS...]`: start the system, wait until it is ready (or
 * fail with the failing service's last lines), run CMD with the system's addresses in its
 * environment, stop everything, and exit with CMD's exit code. Any language's test runner
 * works this way in CI.
 */
export async function test(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags({ args, options: { file: { type: 'string', short: 'f' }, quiet: { type: 'boolean', short: 'q' }, report: { type: 'string' } }, allowPositionals: true });
  const reportWhen = values.report ?? 'on-failure';
  if (reportWhen !== 'on-failure' && reportWhen !== 'always' && reportWhen !== 'never') throw new UserError(`--report must be on-failure, always or never, not '${reportWhen}'`, 2);
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
    const exitCode = result.exitCode ?? 1;
    if (reportWhen === 'always' || (reportWhen === 'on-failure' && exitCode !== 0 && !signal.aborted)) {
      const dir = await writeRunReport(system, config, io.env, `devmode test -- ${[command, ...commandArgs].join(' ')}`, exitCode === 0 ? null : `'${command}' exited with code ${exitCode}`);
      io.stderr.write(`devmode: ${exitCode === 0 ? 'report' : `'${command}' failed (exit code ${exitCode}); report`}: ${dir}\n`);
    }
    return exitCode;
  } finally {
    signal.removeEventListener('abort', onAbort);
    await system.stop('done');
    printer.stop();
  }
}

/**
 * The harness's report of the whole run (calls, messages per topic, logs, faults), as a
 * failed test gets one, in <reports>/devmode-test. The system keeps running: the caller stops it.
 */
async function writeRunReport(system: System, config: SystemConfig, env: NodeJS.ProcessEnv, name: string, failure: string | null): Promise<string> {
  const handle = new DevmodeSystem({ ...localBackend(system, config, env), close: async () => {} });
  try {
    return await handle.writeReport(name, BEGINNING, path.join(reportRoot(config.root, env), 'devmode-test'), failure);
  } finally {
    await handle.stop();
  }
}
