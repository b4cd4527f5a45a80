/**
 * Runs the real `bin/devmode` (compiled dist, as users run it) in a temp directory and
 * lets a test wait on its output. Every rig registers its own teardown, so a failing test
 * leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, cpSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { killGroupQuietly } from './processes.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEVMODE = path.join(REPO, 'bin/devmode.js');
export const FIXTURES = path.join(REPO, 'test/fixtures');

/** A temp directory with the given files; removed after the test. */
export function tempProject(files: Record<string, string> = {}): string {
  const dir = tempDir(files);
  onTestFinished(() => removeDir(dir));
  return dir;
}

/** Like tempProject, for a beforeAll: the caller removes it with removeDir. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-e2e-'));
  // The sample services import kafkajs and ws as a user's project would: from node_modules.
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Copies the sample system into `dir/sample-system` (so a test may edit it). */
export function copySample(dir: string): string {
  const target = path.join(dir, 'sample-system');
  cpSync(path.join(REPO, 'sample-system'), target, { recursive: true });
  return target;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class DevmodeProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<RunResult>;
  readonly #waiters = new Set<() => void>();

  constructor(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    // Its own process group, like a terminal would give it, so signals reach only it.
    this.child = spawn(process.execPath, [DEVMODE, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      for (const w of this.#waiters) w();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      for (const w of this.#waiters) w();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })),
    );
    const pid = this.child.pid;
    onTestFinished(async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        killGroupQuietly(pid);
        await this.exited;
      }
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  /** Resolves with the first match of `pattern` in the output (stdout then stderr), or fails after timeoutMs with all output. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const caller = new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}`);
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.match(pattern);
        if (m) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        caller.message += `\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
        reject(caller);
      }, timeoutMs);
      const onExit = () => {
        check();
        cleanup();
        caller.message = `devmode exited before ${pattern} appeared\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
        reject(caller);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        this.child.off('close', onExit);
      };
      this.#waiters.add(check);
      this.child.once('close', onExit);
      check();
    });
  }

  /** Waits for devmode's `ready ... gateway URL` line and returns the gateway URL. */
  async ready(timeoutMs = 30_000): Promise<string> {
    const m = await this.waitFor(/ready in \d+ ms: gateway (http:\/\/\S+)/, timeoutMs);
    return m[1]!;
  }

  /** pids of every instance devmode reported starting. */
  instancePids(): number[] {
    return [...this.stdout.matchAll(/starting \(pid (\d+)/g)].map((m) => Number(m[1]));
  }

  /** ports of every instance devmode reported starting. */
  instancePorts(): number[] {
    return [...this.stdout.matchAll(/starting \(pid \d+, port (\d+)\)/g)].map((m) => Number(m[1]));
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }
}

/** Starts `devmode ARGS` in `cwd`. */
export function devmode(args: string[], cwd: string, env?: NodeJS.ProcessEnv): DevmodeProcess {
  return new DevmodeProcess(args, cwd, env);
}

/** Runs `devmode ARGS` to completion. */
export function runDevmode(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new DevmodeProcess(args, cwd, env).exited;
}

/** The config lines that make a test system take free ports only (tests run side by side). */
export const FREE_PORTS = `
locator: { port: 0 }
gateway: { port: 0, wait_timeout: 5s }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`;

/**
 * A temp project running the sample shop: the repo's devmode.yaml over a copy of
 * sample-system, with a unique name (so derived service ports do not clash) and free ports
 * for devmode's own listeners. Returns the project directory.
 */
export function sampleProject(extraYaml = '', dir = tempProject()): string {
  copySample(dir);
  const yaml = readFileSync(path.join(REPO, 'devmode.yaml'), 'utf8')
    .replace(/^name: shop$/m, `name: shop-e2e-${process.pid}-${Math.random().toString(36).slice(2, 6)}`)
    .replace(/^ {2}mode: embedded$/m, '  mode: embedded\n  port: 0');
  writeFileSync(path.join(dir, 'devmode.yaml'), `${yaml}\nlocator: { port: 0 }\ngateway: { port: 0, wait_timeout: 5s }\nadmin: { port: 0 }\n${extraYaml}`);
  return dir;
}
