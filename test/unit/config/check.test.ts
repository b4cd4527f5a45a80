/** `devmode check` (checkCommand) output and exit codes, and finding the config file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkCommand, findConfigFile } from '../../../src/config/check.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../fixtures/config');

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    color: false,
  };
  return { out, io };
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-config-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('checkCommand', () => {
  it('prints a summary and returns 0 for a valid file', async () => {
    const { out, io } = capture();
    const file = path.join(fixtures, 'valid/devmode.yaml');
    expect(await checkCommand(file, io)).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      `${file} is valid: system 'shop' with 3 managed services (4 instances) and 1 unmanaged service, ` +
        '3 gateway routes, kafka embedded with 2 topics; 3 fault rules. Start order: user, worker, legacy, then order.\n',
    );
  });

  it('prints every error with its source line and returns 2', async () => {
    const { out, io } = capture();
    const file = path.join(fixtures, 'broken/02-unknown-keys.yaml');
    expect(await checkCommand(file, io)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`${file}:3:5: error: unknown key 'comand' in service 'order'\n 3 |     comand: node server.mjs\n   |     ^~~~~~\n  hint: did you mean 'command'?\n`);
    expect(out.stderr.match(/: error: /g)).toHaveLength(4);
    expect(out.stderr.endsWith('4 errors\n')).toBe(true);
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints warnings but still succeeds', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'devmode.yaml');
    writeFileSync(file, 'services:\n  api:\n    command: node -e 0\n    watch: [missing]\n');
    const { out, io } = capture();
    expect(await checkCommand(file, io)).toBe(0);
    expect(out.stderr).toContain(`${file}:4:13: warning: watch path 'missing' of service 'api' does not exist`);
    expect(out.stdout).toContain(`system '${path.basename(dir)}' with 1 managed service (1 instance), 0 gateway routes, kafka auto.`);
  });

  it('returns 2 with one message for a missing file', async () => {
    const { out, io } = capture();
    const file = path.join(tempDir(), 'devmode.yaml');
    expect(await checkCommand(file, io)).toBe(2);
    expect(out.stderr).toBe(`${file}:1:1: error: ${file} does not exist\n  hint: create it, or pass -f FILE\n1 error\n`);
  });
});

describe('findConfigFile', () => {
  it('finds devmode.yaml, then devmode.yml, in the given directory only', () => {
    const dir = tempDir();
    const child = path.join(dir, 'child');
    writeFileSync(path.join(dir, 'devmode.yml'), 'services: {}\n');
    expect(findConfigFile(dir)).toEqual({ ok: true, value: path.join(dir, 'devmode.yml') });
    writeFileSync(path.join(dir, 'devmode.yaml'), 'services: {}\n');
    expect(findConfigFile(dir)).toEqual({ ok: true, value: path.join(dir, 'devmode.yaml') });
    expect(findConfigFile(child)).toEqual({ ok: false, error: `no devmode.yaml in ${child}; create one or pass -f FILE` });
  });
});

describe("the repository's own devmode.yaml (the sample system)", () => {
  it('passes devmode check', async () => {
    const file = path.resolve(here, '../../../devmode.yaml');
    const { out, io } = capture();
    expect(await checkCommand(file, io), out.stderr).toBe(0);
    expect(out.stderr).toBe('');
  });
});
