/**
 * Finds which processes hold given socket inodes, from /proc/PID/fd links ("socket:[123]"),
 * and reads a process's group id from /proc/PID/stat. Linux only; elsewhere nothing is found.
 * Processes of other users cannot be read and are skipped.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** How many processes are read at once (each is a readdir plus one readlink per fd). */
const CONCURRENCY = 16;

/** Every process id in /proc. */
export async function allPids(): Promise<number[]> {
  try {
    const names = await readdir('/proc');
    return names.filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
}

async function ownedInodes(pid: number, inodes: ReadonlySet<number>, into: Map<number, number>): Promise<void> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return; // gone, or not ours
  }
  await Promise.all(
    fds.map(async (fd) => {
      try {
        const link = await readlink(`/proc/${pid}/fd/${fd}`);
        if (!link.startsWith('socket:[')) return;
        const inode = Number(link.slice(8, -1));
        if (inodes.has(inode) && !into.has(inode)) into.set(inode, pid);
      } catch {
        // the fd closed meanwhile
      }
    }),
  );
}

/**
 * pid owning each inode, looking in `pids` in order and stopping once every inode is found.
 * A socket shared by a parent and its child maps to whichever is read first.
 */
export async function socketOwners(inodes: ReadonlySet<number>, pids: readonly number[]): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  for (let i = 0; i < pids.length && owners.size < inodes.size; i += CONCURRENCY) {
    await Promise.all(pids.slice(i, i + CONCURRENCY).map((pid) => ownedInodes(pid, inodes, owners)));
  }
  return owners;
}

/** The process group id (field 5 of /proc/PID/stat), or undefined. */
export async function processGroupOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    return Number.isInteger(pgrp) && pgrp > 0 ? pgrp : undefined;
  } catch {
    return undefined;
  }
}
