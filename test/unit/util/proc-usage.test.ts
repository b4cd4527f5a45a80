import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { ProcessSampler } from '../../../src/util/proc-usage.js';

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe.runIf(existsSync('/proc/self/stat'))('ProcessSampler', () => {
  test('counts a process with its descendants: a shell whose child spins shows the CPU and memory of both', async () => {
    // sh stays the parent (two commands), the busy node process is its child
    const child = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} -e "for(;;){}"; true`], { stdio: 'ignore', detached: true });
    children.push(child);
    const pid = child.pid!;
    const sampler = new ProcessSampler();
    const first = await sampler.sample([pid, 999_999_999]);
    expect(first.has(999_999_999)).toBe(false);
    expect(first.get(pid)?.cpuPercent).toBe(0);
    // Sampled every half second until the spinning child shows (a loaded machine may start it
    // late or give it little CPU); sh alone stays near 0 % and a few MB, so this fails if
    // descendants are not counted.
    let usage = first.get(pid)!;
    const deadline = Date.now() + 15_000;
    while (!(usage.cpuPercent > 10 && usage.rssBytes > 15 * 1024 * 1024) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      usage = (await sampler.sample([pid])).get(pid)!;
    }
    expect(usage.cpuPercent).toBeGreaterThan(10);
    expect(usage.rssBytes).toBeGreaterThan(15 * 1024 * 1024);
    const exited = once(child, 'exit');
    process.kill(-pid, 'SIGKILL');
    await exited;
    expect((await sampler.sample([pid])).has(pid)).toBe(false);
  });
});
