import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closedPort, silentServer } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/probe-docker.ts', import.meta.url));

interface ProbeOutput {
  available: boolean;
  reason?: string;
  endpoint?: string;
  elapsedMs: number;
}

function probeIn(env: Record<string, string | undefined>, timeoutMs: number): Promise<ProbeOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE, String(timeoutMs)],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`probe fixture failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim()) as ProbeOutput);
        } catch {
          reject(new Error(`probe fixture printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

describe('probeDocker', () => {
  it('reports a refused DOCKER_HOST as no engine, with the testcontainers reason and no stack', async () => {
    const port = await closedPort();
    const result = await probeIn({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }, 3000);
    expect(result.available).toBe(false);
    expect(result.reason).toMatch(/Could not find a working container runtime strategy/);
    expect(result.reason).not.toMatch(/\n|\bat .*:\d+:\d+/);
    // a refusal is an answer: no waiting out the budget (generous, to catch a hang only)
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('gives up on a DOCKER_HOST that accepts connections but never answers, within its timeout', async () => {
    const port = await silentServer();
    const result = await probeIn({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }, 500);
    expect(result.available).toBe(false);
    expect(result.reason).toBe(`no answer within 500 ms from DOCKER_HOST=tcp://127.0.0.1:${port}`);
    // the timer fired: well under the default budget, and not hung
    expect(result.elapsedMs).toBeGreaterThanOrEqual(450);
    expect(result.elapsedMs).toBeLessThan(10_000);
  });
});
