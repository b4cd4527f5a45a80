import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc's CPU times: 100 on every Linux platform Node supports. */
const TICKS_PER_SEC = 100;
/** Processes summed under one pid at most (a guard against a fork bomb in a service). */
const MAX_TREE = 64;

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
    await Promise.all(
      pids.map(async (pid) => {
        const totals = await this.#tree(pid);
        if (!totals) return;
        seen.add(pid);
        const before = this.#previous.get(pid);
        this.#previous.set(pid, { ticks: totals.ticks, at: now });
        const elapsedSec = before ? (now - before.at) / 1000 : 0;
        const cpuPercent = before && elapsedSec > 0 ? Math.max(0, ((totals.ticks - before.ticks) / TICKS_PER_SEC / elapsedSec) * 100) : 0;
        out.set(pid, { cpuPercent, rssBytes: totals.rssPages * this.#pageSize });
      }),
    );
    for (const pid of this.#previous.keys()) if (!seen.has(pid)) this.#previous.delete(pid);
    return out;
  }

  /** utime + stime (ticks) and resident pages of a process and its descendants; undefined when it is gone. */
  async #tree(root: number): Promise<{ ticks: number; rssPages: number } | undefined> {
    const rootStat = await readStat(root);
    if (!rootStat) return undefined;
    let ticks = rootStat.ticks;
    let rssPages = rootStat.rssPages;
    const queue = await children(root);
    let counted = 1;
    while (queue.length > 0 && counted < MAX_TREE) {
      const pid = queue.shift()!;
      const stat = await readStat(pid);
      if (!stat) continue;
      counted++;
      ticks += stat.ticks;
      rssPages += stat.rssPages;
      queue.push(...(await children(pid)));
    }
    return { ticks, rssPages };
  }
}

async function readStat(pid: number): Promise<{ ticks: number; rssPages: number } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
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
async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(' ')
    .filter((s) => s !== '')
    .map(Number);
}
