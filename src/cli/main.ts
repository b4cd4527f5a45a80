/**
 * The process entry point: the only module that touches process.argv, signals and the exit
 * code. Everything else receives streams and an AbortSignal.
 */
import { runCli } from './run.js';
import { isUserError } from './errors.js';
import { LostOutput } from './lost-output.js';
import { describeMachineLimit } from '../net/machine-limits.js';

const controller = new AbortController();
let signals = 0;
/** set by an uncaught exception: the exit code stays 70 whatever the command then returns */
let crashed = false;

// SIGINT (Ctrl-C), SIGTERM (kill, CI cancel) and SIGHUP (terminal closed) all mean
// "stop everything cleanly". A second signal while stopping forces an immediate exit;
// the supervisor's watchdog still reaps the children then.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    signals++;
    if (signals > 1) process.exit(130);
    controller.abort(sig);
  });
}

// The terminal closed or the output's reader left: stop as on SIGHUP (not a second signal).
const output = new LostOutput([process.stdout, process.stderr], (reason) => controller.abort(reason));
process.on('exit', () => output.release());

process.on('uncaughtException', (error) => {
  // The terminal hung up under the TUI (raw mode cannot be set on it): stop as on SIGHUP.
  if (output.takes(error)) return;
  // A limit of the machine (EMFILE, say) met by a socket of any part is the user's to raise, not a bug.
  const limit = describeMachineLimit(error);
  process.stderr.write(limit ? `devmode: ${limit}\n` : `devmode: internal error (please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
  crashed = true;
  process.exitCode = 70;
  controller.abort('error');
  // Give the system a moment to stop its children, then leave.
  setTimeout(() => process.exit(70), 8000).unref();
});

try {
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() }, controller.signal);
  process.exitCode = crashed ? 70 : code;
} catch (error) {
  if (output.takes(error)) {
    // the terminal hung up under the TUI (Ink passes its error on): nothing to say, to nobody
    process.exitCode = crashed ? 70 : 0;
  } else if (isUserError(error)) {
    process.stderr.write(`devmode: ${error.message}\n`);
    process.exitCode = error.exitCode ?? 1;
  } else if (describeMachineLimit(error)) {
    process.stderr.write(`devmode: ${describeMachineLimit(error)}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`devmode: internal error (please report it): ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 70;
  }
}

// Everything devmode started is stopped by now. If a library left a handle open (a
// socket testcontainers keeps after a failed Docker probe, say), do not hang on it.
setTimeout(() => process.exit(), 3000).unref();
