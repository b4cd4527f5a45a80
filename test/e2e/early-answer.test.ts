/**
 * A service that answers before reading a request's body (an early 413 or 501) and closes:
 * the gateway and the mesh pass its answer through, whatever the body's size, instead of
 * turning the broken pipe of the unread body into a 502. Real processes: a small node
 * service that answers 413 early, and `python3 -m http.server` (which answers a POST with
 * 501 without reading it).
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../../src/harness/index.js';
import { FIXTURES, removeDir, tempDir } from '../helpers/devmode-rig.js';

const execFileP = promisify(execFile);

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let h: Harness;
let dir: string;

beforeAll(async () => {
  dir = tempDir({
    'devmode.yaml': `
name: early-${process.pid}
services:
  early:
    command: node ${path.join(FIXTURES, 'e2e/early-answer.mjs')}
    readiness: { http: /health }
    routes: [/early/**]
${hasPython ? `  py:
    command: python3 -m http.server $PORT --bind 127.0.0.1
    routes: [/py/**]
` : ''}
locator: { port: 0 }
gateway: { port: 0 }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`,
  });
  for (const size of SIZES) writeFileSync(bodyFile(size), Buffer.alloc(size));
  h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  if (dir) removeDir(dir);
});

/** POSTs the file `body` with curl (as the trials did: `curl -T FILE -X POST`); the status and body curl saw. */
async function post(url: string, body: string): Promise<{ status: number; body: string }> {
  const { stdout } = await execFileP('curl', ['-sS', '-X', 'POST', '-T', body, '-w', '\n%{http_code}', url]).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: `${error.stderr ?? ''}${error.stdout ?? ''}\n-1`,
  }));
  const nl = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(nl + 1)), body: stdout.slice(0, nl) };
}

const SIZES = [100 * 1024, 1024 * 1024, 10 * 1024 * 1024];
const bodyFile = (size: number) => path.join(dir, `body-${size}`);

async function twentyTimes(url: string, expected: number): Promise<void> {
  for (const size of SIZES) {
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await post(url, bodyFile(size));
      if (r.status !== expected) seen.push(`${r.status} ${r.body.slice(0, 200)}`);
    }
    expect(seen, `${size} bytes to ${url}: not ${expected} in ${seen.length} of 20`).toEqual([]);
  }
}

describe('an early answer, then close', () => {
  it('comes through the gateway as the service sent it (413), 20 of 20, bodies of 100 KB to 10 MB', async () => {
    await twentyTimes(`${h.gatewayUrl}/early/upload`, 413);
    const r = await post(`${h.gatewayUrl}/early/upload`, bodyFile(SIZES[0]!));
    expect(JSON.parse(r.body)).toEqual({ error: 'payload too large', limit: 1024 });
  }, 120_000);

  it('comes through the mesh as the service sent it (413), 20 of 20', async () => {
    await twentyTimes(`${h.serviceUrl('early')}/upload`, 413);
  }, 120_000);

  it.runIf(hasPython)('comes through from python3 -m http.server (501 for a POST)', async () => {
    await twentyTimes(`${h.gatewayUrl}/py/x`, 501);
  }, 120_000);
});
