/**
 * Closing the terminal under a running `devmode up` (a closed tab, a dropped SSH session):
 * the pseudo-terminal hangs up (SIGHUP) and every later write to it fails with EIO. devmode
 * stops as on SIGHUP, without an "internal error" and without Node aborting on its way out,
 * and nothing it started is left. The terminal is a real one (Python's pty module), and a
 * pipe whose reader goes away (EPIPE) is the same case.
 */
import path from 'node:path';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEVMODE, FIXTURES, FREE_PORTS, tempProject } from '../helpers/devmode-rig.js';
import { killGroupQuietly, waitForPidsGone } from '../helpers/processes.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');
const PTY_RUN = path.join(FIXTURES, 'e2e/pty-run.py');

function project(name: string): string {
  return tempProject({
    'devmode.yaml': `
name: ${name}-${process.pid}
services:
  web:
    command: node ${WEB}
    routes: [/web/**]
  chatty:
    command: node -e "setInterval(() => console.log('tick ' + Date.now()), 10)"
    readiness: none
${FREE_PORTS}`,
  });
}

/** The pids of every instance of a running devmode, from its admin API's /state. */
async function instancePids(dir: string): Promise<number[]> {
  const { url } = JSON.parse(readFileSync(path.join(dir, '.devmode/admin.json'), 'utf8')) as { url: string };
  const state = (await (await fetch(`${url}/state`)).json()) as { services: { instances: { pid: number | null }[] }[] };
  return state.services.flatMap((s) => s.instances.map((i) => i.pid).filter((pid): pid is number => pid !== null));
}

describe('a closed terminal', () => {
  // The same on both faces a terminal shows: the line printer and the TUI.
  for (const face of ['plain', 'tui'] as const) {
    it(`stops devmode as SIGHUP does: no internal error, no abort, nothing left (${face})`, async () => {
      const dir = project(`pty-${face}`);
      const errFile = path.join(dir, 'devmode-stderr.txt');
      const args = face === 'plain' ? ['up', '--plain'] : ['up'];
      const { CI: _ci, ...env } = process.env; // CI=true would turn the TUI off
      const child = spawn('python3', [PTY_RUN, errFile, process.execPath, DEVMODE, ...args], {
        cwd: dir,
        env: { ...env, NO_COLOR: '1' },
        stdio: ['pipe', 'pipe', 'inherit'],
        detached: true,
      });
      onTestFinished(() => killGroupQuietly(child.pid));
      let out = '';
      const seen = (re: RegExp, timeoutMs: number) =>
        new Promise<RegExpMatchArray>((resolve, reject) => {
          const check = () => {
            const m = out.match(re);
            if (m) {
              clearTimeout(timer);
              child.stdout!.off('data', check);
              resolve(m);
            }
          };
          const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}\n--- stderr ---\n${readFileSync(errFile, 'utf8')}`)), timeoutMs);
          child.stdout!.on('data', check);
          check();
        });
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      if (face === 'plain') {
        await seen(/ready in \d+ ms/, 30_000);
        await seen(/chatty\.0 +\| tick/, 10_000);
      } else {
        // the Services view: both services' rows ready (the header counts them)
        await seen(/2\/2 ready/, 30_000);
      }
      const pids = await instancePids(dir);
      expect(pids).toHaveLength(2);

      child.stdin!.write('close\n');
      // pty-run's own last line; the TUI's last frame may not end its line
      const ended = await seen(/(exit|signal): (\d+)\n/, 15_000);
      const stderr = readFileSync(errFile, 'utf8');
      expect(stderr).not.toMatch(/internal error|Assertion failed|EIO/);
      expect(ended[1]).toBe('exit');
      await waitForPidsGone(pids, 10_000);
    }, 90_000);
  }

  it('stops devmode when its output pipe is closed (EPIPE) and then SIGHUP comes', async () => {
    const dir = project('pipe');
    const child = spawn(process.execPath, [DEVMODE, 'up'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    onTestFinished(() => killGroupQuietly(child.pid));
    let out = '';
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`devmode not ready:\n${out}\n${err}`)), 30_000);
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/ready in \d+ ms/.test(out) && /chatty\.0 +\| tick/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const pids = [...out.matchAll(/starting \(pid (\d+)/g)].map((m) => Number(m[1]));
    child.stdout!.destroy(); // the reader goes away: devmode's next write fails with EPIPE
    setTimeout(() => child.kill('SIGHUP'), 200);
    const result = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`devmode did not stop:\n${err}`)), 15_000))]);
    expect(err).not.toMatch(/internal error|EPIPE/);
    // Not an abort (SIGABRT restoring a terminal that is gone). A SIGHUP that lands while
    // devmode is already exiting (it stopped on EPIPE first) meets Node's default handlers,
    // which Node restores on its way out: that ends the process as SIGHUP, harmlessly.
    expect([null, 'SIGHUP']).toContain(result.signal);
    await waitForPidsGone(pids, 10_000);
  }, 90_000);
});
