import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** The process listening on a TCP port, as far as the OS tells us. */
export interface PortHolder {
  pid: number;
  /** short command name, e.g. `node` */
  command: string;
}

/**
 * Finds who listens on `port`: `lsof` first (it sees every process it may inspect), then
 * /proc/net/tcp{,6} matched against /proc/PID/fd socket inodes. Null when neither can tell
 * (no lsof, another user's process, not Linux). Only used to word an error, so it never throws.
 */
export async function findPortHolder(port: number): Promise<PortHolder | null> {
  const holder = (await fromLsof(port)) ?? (await portHolderFromProc(port));
  if (!holder) return null;
  return { pid: holder.pid, command: (await programName(holder.pid)) ?? holder.command };
}

function fromLsof(port: number): Promise<PortHolder | null> {
  return new Promise((resolve) => {
    execFile(
      'lsof',
      ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'],
      { timeout: 3_000 },
      (_error, stdout) => {
        // -F output is one field per line: p<pid>, c<command>. lsof exits 1 when nothing matched.
        let pid: number | null = null;
        let command = '';
        for (const line of String(stdout ?? '').split('\n')) {
          if (line.startsWith('p') && pid === null) pid = Number(line.slice(1));
          else if (line.startsWith('c') && pid !== null && !command) command = line.slice(1);
        }
        resolve(pid !== null && Number.isInteger(pid) ? { pid, command: command || 'unknown' } : null);
      },
    );
  });
}

/** The /proc half of findPortHolder (Linux; sees only processes we may inspect). */
export async function portHolderFromProc(port: number): Promise<PortHolder | null> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // st 0A = TCP_LISTEN; column 9 is the socket's inode
      if (!local || cols[3] !== '0A') continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return null;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        const command = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => 'unknown')).trim();
        return { pid: Number(pid), command };
      }
    }
  }
  return null;
}

/**
 * The program a process runs, as `ps` shows it: the base name of argv[0]. lsof and /proc's
 * `comm` name the main thread instead, and Node 22+ calls its main thread `MainThread`.
 */
async function programName(pid: number): Promise<string | undefined> {
  const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
  return argv0 ? argv0.slice(argv0.lastIndexOf('/') + 1) : undefined;
}
