import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { DevmodeEvent } from '../../../src/core/events/index.js';
import { BuildRunner } from '../../../src/watch/build-runner.js';
import { ReloadQueue } from '../../../src/watch/reload-queue.js';

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devmode-build-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether pid runs; a zombie (killed, not yet reaped by init) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('BuildRunner', () => {
  it('runs the command through the shell in the cwd and reports success', async () => {
    const cwd = await tempDir();
    const runner = new BuildRunner({ command: 'echo built > out.txt && echo "$BUILD_FLAVOUR" >> out.txt', cwd, env: { BUILD_FLAVOUR: 'dev' } });
    const result = await runner.run();
    expect(result.ok).toBe(true);
    expect(await readFile(path.join(cwd, 'out.txt'), 'utf8')).toBe('built\ndev\n');
    expect(runner.running).toBe(false);
  });

  it('reports a failure with the combined output and exit code', async () => {
    const cwd = await tempDir();
    const runner = new BuildRunner({ command: 'echo "src/a.ts(3,1): error TS1005"; echo "1 error" >&2; exit 2', cwd });
    const result = await runner.run();
    expect(result).toMatchObject({ ok: false, cancelled: false, exitCode: 2 });
    if (result.ok) return;
    expect(result.output).toContain('error TS1005');
    expect(result.output).toContain('1 error');
  });

  it('bounds the output it keeps, keeping head and tail', async () => {
    const cwd = await tempDir();
    const runner = new BuildRunner({ command: 'echo FIRST; seq 1 20000; echo LAST; exit 1', cwd, maxOutputChars: 2000 });
    const result = await runner.run();
    if (result.ok) throw new Error('expected a failure');
    expect(result.output.length).toBeLessThan(2200);
    expect(result.output).toMatch(/^FIRST/);
    expect(result.output).toMatch(/LAST\n$/);
    expect(result.output).toContain('omitted');
  });

  it('a command that cannot start (missing cwd) is a failure with a message, not a throw', async () => {
    const runner = new BuildRunner({ command: 'true', cwd: path.join(os.tmpdir(), 'devmode-no-such-dir-x') });
    const result = await runner.run();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.output).toMatch(/no-such-dir|ENOENT/);
  });

  it('cancel kills the whole process group, grandchildren included', async () => {
    const cwd = await tempDir();
    // the shell starts a background sleeper and a foreground one; both must die
    const runner = new BuildRunner({ command: 'sleep 30 & echo $! > bg.pid; sleep 30', cwd });
    const running = runner.run();
    const pidFile = path.join(cwd, 'bg.pid');
    await until(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() !== '', 'bg.pid');
    const bg = Number((await readFile(pidFile, 'utf8')).trim());
    expect(alive(bg)).toBe(true);
    await runner.cancel();
    const result = await running;
    expect(result).toMatchObject({ ok: false, cancelled: true });
    await until(() => !alive(bg), `background pid ${bg} to exit`);
  });

  it('with the reload queue: a change during a build restarts it, and one reload follows the new build', async () => {
    const cwd = await tempDir();
    // each build appends "start" at once and "end" after a while
    const runner = new BuildRunner({ command: 'echo start >> log.txt; sleep 0.4; echo end >> log.txt', cwd });
    onTestFinished(() => runner.cancel());
    const events: DevmodeEvent[] = [];
    const reloads: string[] = [];
    const queue = new ReloadQueue({
      publish: (e) => events.push(e),
      reload: async (_service, trigger) => {
        reloads.push(trigger);
      },
      builder: () => runner,
    });
    const log = () => readFile(path.join(cwd, 'log.txt'), 'utf8').catch(() => '');
    queue.change('svc', { trigger: 'svc/a.ts', files: 1, firstAt: Date.now() });
    await until(async () => (await log()) === 'start\n', 'first build to start');
    queue.change('svc', { trigger: 'svc/b.ts', files: 1, firstAt: Date.now() });
    await until(() => reloads.length === 1, 'the reload', 10_000);
    await queue.whenIdle();
    expect(await log()).toBe('start\nstart\nend\n');
    expect(reloads).toEqual(['svc/a.ts']);
    expect(events.map((e) => e.type)).toEqual(['reload.started', 'build.started', 'build.started', 'build.finished', 'reload.finished']);
  });
});
