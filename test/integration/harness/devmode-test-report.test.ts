/**
 * `devmode test -- CMD` writes the harness's report when CMD fails: the run's calls,
 * messages, logs and faults, credentials redacted, named on stderr.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEVMODE } from '../../helpers/devmode-rig.js';
import { FIXTURE } from './system.js';

let reports: string | undefined;
afterEach(() => {
  if (reports) rmSync(reports, { recursive: true, force: true });
});

it('writes a report of the run when the command fails, and names it', async () => {
  reports = mkdtempSync(path.join(tmpdir(), 'devmode-test-report-'));
  // a "test suite" in another language would do the same: call through the URLs it is given, fail
  const script = "fetch(process.env.SERVICE_FRONT_URL + '/call/back/hello').then(() => fetch(process.env.SERVICE_FRONT_URL + '/log?text=' + encodeURIComponent('login with password=hunter2'))).then(() => process.exit(3))";
  const child = spawn(process.execPath, [DEVMODE, 'test', '-q', '-f', FIXTURE, '--', process.execPath, '-e', script], { env: { ...process.env, DEVMODE_REPORT_DIR: reports, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code, stderr).toBe(3);
  const dir = path.join(reports, 'devmode-test');
  expect(stderr).toContain(`devmode: '${process.execPath}' failed (exit code 3); report: ${dir}\n`);
  expect(readdirSync(dir).sort()).toEqual(['calls.jsonl', 'faults.json', 'logs', 'messages', 'summary.txt']);
  expect(readFileSync(path.join(dir, 'summary.txt'), 'utf8')).toContain(`failed:\n  '${process.execPath}' exited with code 3`);
  expect(readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')).toContain('"from":"front","fromInstance":0,"to":"back"');
  const log = readFileSync(path.join(dir, 'logs', 'front.0.log'), 'utf8');
  expect(log).toContain('login with password=[redacted]');
  expect(log).not.toContain('hunter2');
  expect(readdirSync(path.join(dir, 'logs')).sort()).toEqual(['back.0.log', 'front.0.log', 'lone.0.log', 'store.0.log']);
}, 60_000);
