/**
 * An embedded broker with a data directory in a process of its own (test/fixtures/
 * broker-process.ts), for the crash tests: SIGKILL it, then start another on the same
 * directory. Killed at the end of the test if still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

const FIXTURE = join(import.meta.dirname, '../fixtures/broker-process.ts');

/** Starts the broker process on `dir` (port 0); resolves once it listens, with its port. */
export async function startBrokerProcess(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker process not ready in 20 s: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`broker process exited (${code}): ${err}`)));
  });
  return { child, port };
}

/** SIGKILLs the broker process and waits for it to be gone. */
export async function killBrokerProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await once(child, 'exit');
}
