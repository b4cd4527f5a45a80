import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Clock ticks per second of /proc's CPU times: 100 on every Linux platform Node supports. */
const TICKS_PER_SEC = 100;
/** Processes summed under one pid at most (a guard against a fork bomb in a service). */
const MAX_TREE = 64;
/** Pids sampled between two turns of the event loop (see sample()). */
const BATCH = 32;

export interface ProcessUsage {
  /** of one core, since the previous sample of this pid (0 on the first) */
  cpuPercent: number;
  rssBytes: number;
}

/**
 * CPU and memory of processes from Linux's /proc, each pid counted with its descendants
 * (an instance is often `sh -c` or npm with the real server below it). Keeps the previous
 * CPU times per pid to turn them into a rate. Elsewhere (no /proc) it returns nothing and
 * views show no figures.
 *
 * /proc's files are read synchronously, a batch of pids per turn of the event loop: with
 * 200 instances, fs.promises (open, fstat, read, close and a promise each) cost devmode
 * ~5 % of a core and as much again in garbage collection, every second, idle; reading a
 * small /proc file at once costs microseconds, and a batch holds the loop well under a
 * millisecond.
 */
export class ProcessSampler {
  readonly #previous = new Map<number, { ticks: number; at: number }>();
  readonly #pageSize: number;

  constructor(pageSize = 4096) {
    this.#pageSize = pageSize;
  }

  async sample(pids: readonly number[], now = performance.now()): Promise<Map<number, ProcessUsage>> {
    const out = new Map<number, ProcessUsage>();
    const seen = new Set<number>();
    for (let i = 0; i < pids.length; i++) {
      if (i > 0 && i % BATCH === 0) await nextTurn();
      const pid = pids[i]!;
      const totals = this.#tree(pid);
      if (!totals) continue;
      seen.add(pid);
      const before = this.#previous.get(pid);
      this.#previous.set(pid, { ticks: totals.ticks, at: now });
      const elapsedSec = before ? (now - before.at) / 1000 : 0;
      const cpuPercent = before && elapsedSec > 0 ? Math.max(0, ((totals.ticks - before.ticks) / TICKS_PER_SEC / elapsedSec) * 100) : 0;
      out.set(pid, { cpuPercent, rssBytes: totals.rssPages * this.#pageSize });
    }
    for (const pid of this.#previous.keys()) if (!seen.has(pid)) this.#previous.delete(pid);
    return out;
  }

  /** utime + stime (ticks) and resident pages of a process and its descendants; undefined when it is gone. */
  #tree(root: number): { ticks: number; rssPages: number } | undefined {
    const rootStat = readStat(root);
    if (!rootStat) return undefined;
    let ticks = rootStat.ticks;
    let rssPages = rootStat.rssPages;
    const queue = children(root);
    let counted = 1;
    while (queue.length > 0 && counted < MAX_TREE) {
      const pid = queue.shift()!;
      const stat = readStat(pid);
      if (!stat) continue;
      counted++;
      ticks += stat.ticks;
      rssPages += stat.rssPages;
      queue.push(...children(pid));
    }
    return { ticks, rssPages };
  }
}

function readStat(pid: number): { ticks: number; rssPages: number } | undefined {
  const text = readSmall(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime 14, stime 15, rss 24
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = Number(fields[21]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(rss)) return undefined;
  return { ticks: utime + stime, rssPages: rss };
}

/** Children of every thread of a process (Linux 3.5+; empty where the kernel lacks it). */
function children(pid: number): number[] {
  const text = readSmall(`/proc/${pid}/task/${pid}/children`) ?? '';
  return text
    .split(' ')
    .filter((s) => s !== '')
    .map(Number);
}

/** A /proc file's text, or undefined when it is gone (the process exited) or absent. */
function readSmall(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
