import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPortFree } from '../../src/net/ports.js';
import { groupMembers } from '../../src/supervisor/process-group.js';

/**
 * Polling assertions about processes and ports, for tests that start real ones.
 * Each waits for a condition up to a timeout and fails with what it last saw; none sleeps blindly.
 */

/** Whether a pid runs (a zombie does not: it holds no port and runs no code). */
export async function isPidAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return process.platform !== 'linux';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/**
 * Polls `check` every `intervalMs` until it returns true; throws `what` after `timeoutMs`.
 * The default only catches a hang: on a loaded 2-core machine a process can take seconds
 * to start listening.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export async function waitForPidsGone(pids: readonly number[], timeoutMs = 5_000): Promise<void> {
  let alive: number[] = [];
  await waitFor(
    async () => {
      alive = [];
      for (const pid of pids) if (await isPidAlive(pid)) alive.push(pid);
      return alive.length === 0;
    },
    `pids ${pids.join(', ')} to exit`,
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (still alive: ${alive.join(', ')})`);
  });
}

export async function waitForGroupGone(pgid: number, timeoutMs = 5_000): Promise<void> {
  await waitFor(async () => (await groupMembers(pgid)).length === 0, `process group ${pgid} to be empty`, timeoutMs);
}

export async function waitForPortFree(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<void> {
  await waitFor(() => isPortFree(port, host), `port ${port} to be free`, timeoutMs);
}

/** Kills a pid's whole group, ignoring "already gone": test teardown for processes a test started. */
export function killGroupQuietly(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
