/**
 * `devmode check` end to end through the lead's CLI entry (src/cli/main.ts run with tsx,
 * so no build is needed): exit codes, stdout/stderr, and finding ./devmode.yaml.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const main = path.join(root, 'src/cli/main.ts');
const tsx = createRequire(import.meta.url).resolve('tsx');

function devmode(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, main, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 50_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-cli-check-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('devmode check (CLI)', () => {
  it('exits 2 with located diagnostics for a broken file, and 0 with a summary for a valid one', async () => {
    const dir = tempDir();
    copyFileSync(path.join(root, 'test/fixtures/config/broken/02-unknown-keys.yaml'), path.join(dir, 'devmode.yaml'));
    const broken = await devmode(['check'], dir);
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toContain("devmode.yaml:3:5: error: unknown key 'comand' in service 'order'\n");
    expect(broken.stderr).toContain("  hint: did you mean 'command'?\n");
    expect(broken.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(path.join(dir, 'ok.yml'), 'name: demo\nservices:\n  api:\n    command: node -e 0\n');
    const valid = await devmode(['check', '-f', 'ok.yml'], dir);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain("ok.yml is valid: system 'demo' with 1 managed service (1 instance)");
  });

  it('exits 2 with one clear line when there is no devmode.yaml', async () => {
    const dir = tempDir();
    const result = await devmode(['check'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no devmode.yaml in ${dir}; create one or pass -f FILE`);
  });
});
