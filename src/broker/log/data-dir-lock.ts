/**
 * A lock file so two brokers never write the same data directory: `<dir>/.lock` holds the
 * owner's pid; a lock whose process is gone (a crash, kill -9) is taken over, and so is one
 * whose process is a zombie (dead, not yet reaped by its parent: it holds no file open).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirError } from './errors.js';

/** The state letter of a Linux process (R, S, D, Z, X, ...), or null where /proc cannot tell. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = procState(pid);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `dir`; returns the function that releases it. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, '.lock');
  let owner: number | null = null;
  try {
    owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    // no lock yet
  }
  if (owner !== null && Number.isFinite(owner) && owner !== process.pid && alive(owner)) {
    throw new DataDirError(
      `the Kafka data directory ${dir} is in use by another process (pid ${owner}); stop it, or set kafka.dataDir to another directory`,
    );
  }
  writeFileSync(path, String(process.pid));
  return () => rmSync(path, { force: true });
}
