import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { AdminServer, adminRecordPath, readAdminRecord } from '../../../src/admin/index.js';
import type { SystemSnapshot } from '../../../src/core/contracts.js';
import { startAdmin, type AdminFixture } from './fixture.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Where the commands run unless a test says otherwise: no devmode.yaml, so only flags and env count. */
let emptyDir = '';
beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(os.tmpdir(), 'devmode-admin-cwd-'));
});
afterAll(() => rm(emptyDir, { recursive: true, force: true }));

/** Runs `devmode ARGS` as a real process (from source: dist/ may be stale) in a directory without a devmode.yaml. */
function devmode(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ResultPromise<{ reject: false; all: true }> {
  const cwd = options.cwd ?? emptyDir;
  const child = execa(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, reject: false, all: true, env: { NO_COLOR: '1', DEVMODE_ADMIN_URL: '', ...options.env }, timeout: 40_000 });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return child;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'devmode-admin-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until `n` event streams are open: the commands have subscribed. */
const streams = (admin: AdminFixture, n: number) => until(() => admin.server.streamCount >= n, `${n} event stream(s)`);

describe('devmode wait', () => {
  test('exits 0 once every instance of the service (and of the system) is ready', async () => {
    const admin = await startAdmin();
    const one = devmode(['wait', 'user', '--admin', admin.url, '--timeout', '30s']);
    const all = devmode(['wait', '--all', '--admin', admin.url]);
    await streams(admin, 2);
    expect(one.nodeChildProcess.exitCode).toBeNull();
    admin.state({ service: 'user', instance: 1 }, 'ready', 41002);
    const [r1, r2] = await Promise.all([one, all]);
    expect(r1.exitCode).toBe(0);
    expect(r1.stdout).toBe('user is ready (2 instances)');
    expect(r2.exitCode).toBe(0);
    expect(r2.stdout).toBe('the system is ready');
  });

  test('a service already ready returns at once', async () => {
    const admin = await startAdmin();
    const r = await devmode(['wait', 'order', '--admin', admin.url]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('order is ready (1 instance)');
  });

  test('times out with exit 1 and says what is not ready', async () => {
    const admin = await startAdmin();
    const r = await devmode(['wait', 'user', '--admin', admin.url, '--timeout', '1s']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('devmode: user was not ready within 1s: user.1 starting');
  });

  test('an unknown service is exit 1 with the known ones', async () => {
    const admin = await startAdmin();
    const r = await devmode(['wait', 'nobody', '--admin', admin.url]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('devmode: there is no service named "nobody" in shop (services: order, user, legacy)');
  });

  test('usage mistakes are exit 2 with one line', async () => {
    const r = await devmode(['wait', '--timeout', 'soon', 'user']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('devmode: --timeout soon is not a duration; use e.g. --timeout 30s, 2m or 500ms');
  });
});

describe('devmode events', () => {
  test('--json prints the JSON lines as they come, filtered; Ctrl-C ends it with 0', async () => {
    const admin = await startAdmin();
    const child = devmode(['events', '--json', '--type', 'log', '--admin', admin.url]);
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await streams(admin, 1);
    admin.bus.publish({ type: 'log', ref: { service: 'order', instance: 0 }, stream: 'stdout', line: 'first', ts: 1 });
    admin.state({ service: 'user', instance: 1 }, 'ready', 41002);
    admin.bus.publish({ type: 'log', ref: { service: 'user', instance: 1 }, stream: 'stderr', line: 'second', ts: 2 });
    await until(() => out.includes('second'), 'the second line');
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').map((l) => JSON.parse(l))).toEqual([
      { type: 'log', ref: { service: 'order', instance: 0 }, stream: 'stdout', line: 'first', ts: 1 },
      { type: 'log', ref: { service: 'user', instance: 1 }, stream: 'stderr', line: 'second', ts: 2 },
    ]);
  });

  test('without --json prints readable lines, traffic included; ends when devmode stops', async () => {
    const admin = await startAdmin();
    const child = devmode(['events', '--service', 'order', '--admin', admin.url]);
    await streams(admin, 1);
    admin.bus.publish({ type: 'log', ref: { service: 'order', instance: 0 }, stream: 'stdout', line: 'hello', ts: 1 });
    admin.bus.publish({ type: 'log', ref: { service: 'user', instance: 0 }, stream: 'stdout', line: 'not shown', ts: 1 });
    admin.bus.publish({ type: 'http.exchange', id: 'a', caller: { service: 'gateway', instance: null }, callee: { service: 'order', instance: 0 }, method: 'POST', path: '/orders', status: 201, durationMs: 2.25, requestBytes: 10, responseBytes: 20, ts: 1 });
    await admin.server.stop();
    const r = await child;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['order.0      | hello', 'http         | gateway -> order.0 POST /orders 201 2.3 ms']);
    expect(r.stderr).toBe(`devmode: the devmode at ${admin.url} stopped`);
  });
});

describe('devmode status', () => {
  test('prints services, instances and traffic as a table, or the snapshot as JSON', async () => {
    const admin = await startAdmin();
    admin.faults.set({ id: 'slow', callee: 'user', delay: 100 });
    const r = await devmode(['status', '--admin', admin.url]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('shop  gateway http://127.0.0.1:9000  locator http://127.0.0.1:9008  kafka 127.0.0.1:9092');
    expect(lines).toContain('  order.0  ready     pid 42000  port 41000');
    expect(lines).toContain('  user.1   starting  pid 42002  port 41002');
    expect(lines.some((l) => /^ {2}gateway -> order +0\.2 +8% +3\.5 ms +9\.0 ms +12\.3 ms$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}slow +\* -> user +\* +delay 100 ms +100% +0$/.test(l))).toBe(true);

    const json = await devmode(['status', '--json', '--admin', admin.url]);
    expect((JSON.parse(json.stdout) as SystemSnapshot).services.map((s) => s.name)).toEqual(['order', 'user', 'legacy']);
  });

  test('finds the admin URL in DEVMODE_ADMIN_URL, and the record a devmode wrote beside devmode.yaml', async () => {
    const admin = await startAdmin();
    expect((await devmode(['status', '--json'], { env: { DEVMODE_ADMIN_URL: admin.url } })).exitCode).toBe(0);

    const dir = await tempDir();
    await writeFile(path.join(dir, 'devmode.yaml'), 'name: shop\nservices:\n  a:\n    command: node -e "1"\n');
    const recorded = new AdminServer({ store: admin.store, control: admin.control, host: '127.0.0.1', port: 0, recordFile: adminRecordPath(dir), name: 'shop' });
    await recorded.start();
    onTestFinished(() => recorded.stop());
    expect(await readAdminRecord(adminRecordPath(dir))).toMatchObject({ url: recorded.url, pid: process.pid, name: 'shop' });
    const r = await devmode(['status', '--json'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('shop');
    await recorded.stop();
    expect(await readAdminRecord(adminRecordPath(dir))).toBeUndefined();
  });
});

test('when no devmode answers: one line and exit 1', async () => {
  const port = await closedPort();
  const r = await devmode(['status', '--admin', `http://127.0.0.1:${port}`]);
  expect(r.exitCode).toBe(1);
  expect(r.all).toBe(`devmode: no devmode is running at http://127.0.0.1:${port} (start one with 'devmode up', or pass --admin URL)`);
  const w = await devmode(['wait', 'order', '--admin', `http://127.0.0.1:${port}`]);
  expect(w.exitCode).toBe(1);
  expect(w.stderr).toContain('no devmode is running at');
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}
