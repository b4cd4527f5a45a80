/**
 * The vitest integration as a user's project runs it, in a child vitest
 * (test/fixtures/harness/vitest-project): a globalSetup starts one system, test files
 * attach to it; a failing test's message names its report; a leaked fault fails its test
 * and not the next; interrupting the runner (SIGINT) leaves no process and no port.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/devmode-rig.js';
import { waitFor } from '../../helpers/processes.js';
import { expectNothingLeft } from './system.js';

const PROJECT = path.join(REPO, 'test/fixtures/harness/vitest-project');
const SERVICES_DIR = path.join(REPO, 'test/fixtures/harness');
const VITEST = path.join(REPO, 'node_modules/vitest/vitest.mjs');
const temps: string[] = [];

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-vitest-'));
  temps.push(dir);
  return dir;
}

function runVitest(files: string[], env: Record<string, string>) {
  const mark = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const child = spawn(process.execPath, [VITEST, 'run', ...files], { cwd: PROJECT, env: { ...process.env, ...env, DEVMODE_TEST_RUN_MARK: mark, CI: '', NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exited, output: () => output, mark };
}

/**
 * The services of the systems one child vitest started: processes in the harness fixture's
 * directory whose environment carries that run's mark (other test files run systems from
 * the same directory at the same time).
 */
async function fixtureProcesses(mark: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    if (cwd !== SERVICES_DIR) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(`DEVMODE_TEST_RUN_MARK=${mark}`)) out.push(Number(entry));
  }
  return out;
}

describe('devmode/vitest', () => {
  it('globalSetup: tests attach; a failure names its report; a leaked fault fails its test only', async () => {
    const reports = temp();
    const run = runVitest(['run.spec.ts'], { DEVMODE_REPORT_DIR: reports });
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(1);
    expect(output).toMatch(/✓ front calls back/);
    expect(output).toMatch(/✓ the next test sees no fault/);
    expect(output).toMatch(/FAIL {2}run\.spec\.ts > a failing assertion/);
    expect(output).toMatch(/FAIL {2}run\.spec\.ts > leaks a fault/);
    expect(output).toContain('Tests  3 failed | 2 passed (5)');
    // the failing wait explains itself, and names the report written for it
    expect(output).toContain('WaitTimeoutError: waitForCall({from: "front", to: "back", status: 500}): nothing matched within 300 ms.');
    const failingReport = path.join(reports, 'run-a-failing-assertion');
    expect(output).toContain(`Report (calls, messages, logs, faults): ${failingReport}`);
    // an assertion of the test's own (not a devmode wait) gets the report's name appended
    expect(output).toContain(`devmode report: ${path.join(reports, 'run-a-failing-expect')}`);
    expect(readFileSync(path.join(failingReport, 'summary.txt'), 'utf8')).toContain('test: run a failing assertion\nfailed:\n  waitForCall(');
    const log = readFileSync(path.join(failingReport, 'logs', 'front.0.log'), 'utf8');
    expect(log).toContain('secret=[redacted] in the log');
    expect(log).not.toContain('swordfish');
    // the leak
    expect(output).toContain("LeakedFaultError: a fault set in test 'run leaks a fault' was still in force when it ended: left-behind (front -> back: status 503).");
    expect(readdirSync(reports).sort()).toEqual(['run-a-failing-assertion', 'run-a-failing-expect', 'run-leaks-a-fault']);
    // and the run's system is gone
    await waitFor(async () => (await fixtureProcesses(run.mark)).length === 0, 'the fixture services to exit', 15_000);
  }, 120_000);

  it('SIGINT of the runner leaves no process and no port (global and per-file systems)', async () => {
    const dir = temp();
    const footprintFile = path.join(dir, 'footprint.json');
    const run = runVitest(['sigint.spec.ts'], { FOOTPRINT_FILE: footprintFile, DEVMODE_REPORT_DIR: dir });
    await waitFor(() => existsSync(footprintFile) && readFileSync(footprintFile, 'utf8').length > 0, 'the per-file system to start', 60_000, 100);
    const left = JSON.parse(readFileSync(footprintFile, 'utf8')) as { pids: number[]; ports: number[] };
    expect(left.pids.length).toBe(3);
    expect((await fixtureProcesses(run.mark)).length).toBe(6); // front, back, store of each system
    run.child.kill('SIGINT');
    await run.exited;
    await expectNothingLeft(left);
    await waitFor(async () => (await fixtureProcesses(run.mark)).length === 0, 'every fixture service to exit', 15_000);
  }, 120_000);
});
