import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Signals and liveness of whole process groups. Every managed instance leads its own group
 * (spawned detached), so signalling `-pgid` reaches its children and grandchildren too.
 */

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Pids of the live (non-zombie) members of a process group.
 * Zombies do not count: orphaned grandchildren are reparented to PID 1, and where PID 1 does
 * not reap (some container and VM inits), they stay as zombies forever, yet hold no port and
 * run no code. `kill(-pgid, 0)` would report them as alive, so on Linux we read /proc.
 */
export async function groupMembers(pgid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    // No /proc (macOS): fall back to the kernel's answer, zombies included.
    return signalGroup(pgid, 0) ? [pgid] : [];
  }
  const members: number[] = [];
  await Promise.all(
    entries.map(async (name) => {
      if (!/^\d+$/.test(name)) return;
      const stat = await readProcStat(Number(name));
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(stat.pid);
    }),
  );
  return members;
}

/** Whether any live process remains in the group. */
export async function groupAlive(pgid: number): Promise<boolean> {
  // Cheap answers first (this is polled while stopping): no member at all, or a live leader.
  if (!signalGroup(pgid, 0)) return false;
  const leader = await readProcStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== 'Z') return true;
  return (await groupMembers(pgid)).length > 0;
}

/** Polls until the group is empty or `timeoutMs` passes; true when it emptied. */
export async function waitGroupGone(pgid: number, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * SIGTERM the group, give it `graceMs` to exit, then SIGKILL whatever is left and wait a
 * little for the kernel to tear it down. Returns 'term' or 'kill' (what ended it), or
 * 'gone' when nothing was running.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<'gone' | 'term' | 'kill'> {
  if (!signalGroup(pgid, 'SIGTERM') && !(await groupAlive(pgid))) return 'gone';
  if (await waitGroupGone(pgid, graceMs)) return 'term';
  signalGroup(pgid, 'SIGKILL');
  // SIGKILL cannot be ignored; this wait only covers the kernel's teardown.
  await waitGroupGone(pgid, 2_000);
  return 'kill';
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses, so split after the last ')'. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, pgrp] = rest;
  if (state === undefined || ppid === undefined || pgrp === undefined) return null;
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp) };
}
