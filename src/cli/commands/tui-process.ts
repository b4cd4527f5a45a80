import { spawn, type ChildProcess } from 'node:child_process';

/** The environment variable that ties a `devmode ui` to the devmode up that started it. */
export const UI_PARENT_ENV = 'DEVMODE_UI_PARENT';

/** Leaves the alternate screen, shows the cursor: what a TUI that died without cleaning up left undone. */
const RESTORE_TERMINAL = '\u001b[?1049l\u001b[?25h\u001b[0m';

/**
 * The TUI of `devmode up`, in its own process: `devmode ui` attached to this devmode's admin
 * API, owning the terminal (stdio inherited). Why a process and not this thread: drawing a
 * frame (React and Ink's layout) takes several ms, and in the thread that runs the gateway
 * and the mesh every request arriving meanwhile waits that long (see test/bench/tui.ts). The
 * system's process keeps only the admin API's event stream as its cost.
 *
 * Resolves with how it ended: 'quit' (q or Ctrl-C in the TUI: exit 0), 'failed' (it died:
 * the terminal is restored and the caller goes on with plain lines), or 'signal' (`signal`
 * aborted: the TUI was asked to leave, and has).
 */
export function runTuiProcess(o: { adminUrl: string; env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream; signal: AbortSignal }): Promise<{ outcome: 'quit' | 'failed' | 'signal'; code: number | null }> {
  const script = process.argv[1];
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, ...(script ? [script] : []), 'ui', '--admin', o.adminUrl], {
    stdio: 'inherit',
    env: { ...o.env, [UI_PARENT_ENV]: String(process.pid) },
  });
  return new Promise((resolve) => {
    let asked = false;
    const onAbort = () => {
      asked = true;
      child.kill('SIGTERM');
      // a TUI that does not leave in time is ended
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    };
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
    const done = (code: number | null, error?: Error) => {
      o.signal.removeEventListener('abort', onAbort);
      if (asked) return resolve({ outcome: 'signal', code });
      if (code === 0) return resolve({ outcome: 'quit', code });
      o.stdout.write(RESTORE_TERMINAL + `\ndevmode: the TUI stopped (${error ? error.message : `exit ${code ?? 'by signal'}`}); devmode keeps running with plain output (Ctrl-C stops it)\n`);
      resolve({ outcome: 'failed', code });
    };
    child.once('error', (error) => done(null, error));
    child.once('exit', (code) => done(code));
  });
}

/**
 * In a `devmode ui` started by `devmode up`: calls `leave` once that devmode's process is
 * gone (it was killed hard and could not end its TUI), so no TUI is left on the terminal.
 */
export function leaveWithParent(env: NodeJS.ProcessEnv, leave: () => void): () => void {
  const parent = Number(env[UI_PARENT_ENV]);
  if (!Number.isInteger(parent) || parent <= 0) return () => undefined;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      leave();
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
