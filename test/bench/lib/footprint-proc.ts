/**
 * Memory of processes from Linux /proc: a process's resident set (VmRSS) and its peak
 * (VmHWM), its descendants (by parent pid), and a least-squares slope for memory samples.
 */
import { readdirSync, readFileSync } from 'node:fs';

const MIB = 1024;

export interface ProcessMemory {
  rssMiB: number;
  peakMiB: number;
}

/** VmRSS and VmHWM of `pid` in MiB, or undefined when it is gone. */
export function memoryOf(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / MIB, peakMiB: kib('VmHWM') / MIB };
}

/** The command line of `pid` (arguments joined by spaces), or '' when it is gone. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** pid -> parent pid of every process visible now. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) is in parentheses and may hold spaces: read after its end.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // exited while we looked
    }
  }
  return map;
}

/** Every descendant of `pid` (children, their children, ...), not `pid` itself. */
export function descendantsOf(pid: number): number[] {
  const byParent = new Map<number, number[]>();
  for (const [child, parent] of parents()) byParent.set(parent, [...(byParent.get(parent) ?? []), child]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Sum of VmRSS in MiB over `pids` (those gone count 0). */
export function totalRssMiB(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (memoryOf(pid)?.rssMiB ?? 0), 0);
}

/** Least-squares slope of (seconds, MiB) samples, in MiB per minute (NaN for fewer than 2). */
export function slopePerMinute(samples: readonly { seconds: number; mib: number }[]): number {
  const n = samples.length;
  if (n < 2) return NaN;
  const mx = samples.reduce((s, p) => s + p.seconds, 0) / n;
  const my = samples.reduce((s, p) => s + p.mib, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.seconds - mx) * (p.mib - my);
    den += (p.seconds - mx) ** 2;
  }
  return den === 0 ? NaN : (num / den) * 60;
}

/** CPU time (user + system) `pid` has used so far, in seconds, or NaN when it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised name: state is [0], utime [11], stime [12] (in clock ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK) is not reachable from Node). */
const CLOCK_TICKS = 100;
