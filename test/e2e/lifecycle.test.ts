/**
 * devmode up's process lifecycle through the real CLI: dependency order, restarts with
 * backoff, crash loops, and no process or port left behind however devmode ends.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, FREE_PORTS, runDevmode, tempProject } from '../helpers/devmode-rig.js';
import { isPidAlive, waitFor, waitForPidsGone, waitForPortFree } from '../helpers/processes.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

function twoServices(name: string, extra = ''): string {
  return `
name: ${name}
services:
  api:
    command: node ${WEB}
    depends_on: [db]
    readiness: { http: /health }
    routes: [{ path: /api/**, strip_prefix: /api }]
  db:
    command: ["node", "${WEB}"]
    instances: 2
    environment: { START_DELAY_MS: 300 }
    readiness: { http: /health }
    routes: [{ path: /db/**, strip_prefix: /db }]
${extra}
${FREE_PORTS}`;
}

async function upAndReady(name: string) {
  const dir = tempProject({ 'devmode.yaml': twoServices(`${name}-${process.pid}`) });
  const dm = devmode(['up'], dir);
  const gateway = await dm.ready();
  return { dm, gateway, dir };
}

describe('devmode up lifecycle', () => {
  it('starts dependents after their dependencies are ready and balances over instances', async () => {
    const { dm, gateway, dir } = await upAndReady('order');
    // a second devmode for the same system in the same directory is refused, not run twice
    const second = await runDevmode(['up'], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/devmode is already running system 'order-\d+' from this directory \(pid \d+/);
    const out = dm.stdout;
    const at = (re: RegExp) => out.search(re);
    const apiStarting = at(/api\.0 +\| starting/);
    expect(at(/db\.0 +\| ready/), out).toBeGreaterThan(0);
    expect(apiStarting, out).toBeGreaterThan(at(/db\.0 +\| ready/));
    expect(apiStarting, out).toBeGreaterThan(at(/db\.1 +\| ready/));
    const seen = new Set<number>();
    for (let i = 0; i < 6; i++) seen.add(((await (await fetch(`${gateway}/db/x`)).json()) as { instance: number }).instance);
    expect([...seen].sort()).toEqual([0, 1]);
    // the environment contract: the caller's URL for a peer leads through the mesh to it
    const env = (await (await fetch(`${gateway}/api/env`)).json()) as Record<string, string>;
    expect(env).toMatchObject({ SERVICE_NAME: 'api', SERVICE_INSTANCE: '0', HOST: '127.0.0.1' });
    // a loopback address of the caller instance's own on Linux (it says who calls), 127.0.0.1 elsewhere
    expect(env.SERVICE_DB_URL).toMatch(process.platform === 'linux' ? /^http:\/\/127\.(?!0\.)\d+\.\d+\.1:\d+$/ : /^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.GATEWAY_URL).toBe(gateway);
    expect(env.KAFKA_BROKERS).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env.SERVICE_LOCATOR_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const viaMesh = (await (await fetch(`${gateway}/api/call/db/hello`)).json()) as { service: string };
    expect(viaMesh.service).toBe('db');
    const dbEnv = (await (await fetch(`${gateway}/db/env`)).json()) as Record<string, string>;
    expect(dbEnv.CLUSTER_PEERS?.split(',')).toHaveLength(1);
  });

  for (const [how, send] of [
    ['SIGTERM', (dm: ReturnType<typeof devmode>) => dm.signal('SIGTERM')],
    ['SIGHUP', (dm: ReturnType<typeof devmode>) => dm.signal('SIGHUP')],
    ['kill -9', (dm: ReturnType<typeof devmode>) => dm.signal('SIGKILL')],
  ] as const) {
    it(`leaves no process and no port behind after ${how}`, async () => {
      const { dm, gateway } = await upAndReady(`exit-${how.replace(/\W/g, '')}`);
      const pids = dm.instancePids();
      const ports = dm.instancePorts();
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(await isPidAlive(pid)).toBe(true);
      send(dm);
      await dm.exited;
      await waitForPidsGone(pids, 10_000);
      for (const port of [...ports, Number(new URL(gateway).port)]) await waitForPortFree(port, '127.0.0.1', 10_000);
    });
  }

  it('leaves no process and no port behind after an internal error (an uncaught exception)', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: bug-${process.pid}
services:
  sleeper:
    command: sleep 300
    readiness: none
${FREE_PORTS}`,
    });
    // Preloaded into devmode: throws once the system runs. The service is not Node, so the
    // preload (inherited through NODE_OPTIONS) does not reach it.
    const dm = devmode(['up'], dir, { NODE_OPTIONS: `--import=${path.join(FIXTURES, 'e2e/crash-later.mjs')}`, DEVMODE_TEST_CRASH_MS: '300' });
    const gateway = await dm.ready();
    const pids = dm.instancePids();
    expect(pids).toHaveLength(1);
    const result = await dm.exited;
    expect(result.code).toBe(70);
    expect(result.stderr).toMatch(/internal error \(please report it\).*a devmode bug, simulated by the test/);
    await waitForPidsGone(pids, 10_000);
    await waitForPortFree(Number(new URL(gateway).port), '127.0.0.1', 10_000);
  });

  it('restarts a crashing service with growing backoff, shows the crash loop, and answers 502 naming it', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: crash-${process.pid}
services:
  ok:
    command: node ${WEB}
    routes: [/ok/**]
  bad:
    command: node ${WEB}
    environment: { CRASH: "1" }
    readiness: { http: /health, timeout: 20s }
    routes: [/bad/**]
${FREE_PORTS}`,
    });
    const dm = devmode(['up'], dir);
    await dm.waitFor(/bad\.0 +\| restarting in (\d+) ms/);
    await dm.waitFor(/bad\.0 +\| crash loop: restarting in/, 30_000);
    const delays = [...dm.stdout.matchAll(/bad\.0 +\| (?:restarting|crash loop: restarting) in ([\d.]+) (ms|s)/g)].map((m) => Number(m[1]) * (m[2] === 's' ? 1000 : 1));
    expect(delays.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(dm.stdout).toMatch(/bad\.0 +\| crashing on purpose/);
    const gateway = dm.stdout.match(/gateway on (http:\/\/[^\s,]+)/)![1]!;
    const res = await fetch(`${gateway}/bad/x`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as { service: string; reason: string };
    expect(body.service).toBe('bad');
    expect(body.reason).toMatch(/code 3/);
    expect((await fetch(`${gateway}/ok/x`)).status).toBe(200);
    dm.signal('SIGINT');
    await dm.exited;
  });

  it('holds a request for a service that is still starting, then answers 503 past the wait timeout', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: slow-${process.pid}
services:
  slow:
    command: node ${WEB}
    environment: { START_DELAY_MS: 1500 }
    readiness: { http: /health }
    routes: [/slow/**]
  never:
    command: node ${WEB}
    environment: { START_DELAY_MS: 60000 }
    readiness: { http: /health, timeout: 60s }
    routes: [/never/**]
locator: { port: 0 }
gateway: { port: 0, wait_timeout: 1s }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`,
    });
    const dm = devmode(['up'], dir);
    const gateway = (await dm.waitFor(/gateway on (http:\/\/[^\s,]+)/))[1]!;
    const started = Date.now();
    const held = await fetch(`${gateway}/slow/x`);
    // waited for the instance rather than failing (the wait timeout is 1 s, start takes 1.5 s:
    // retry until it is ready; the first answer may be a 503 from the bounded wait)
    if (held.status === 503) {
      const body = (await held.json()) as { service: string };
      expect(body.service).toBe('slow');
      await waitFor(async () => (await fetch(`${gateway}/slow/x`)).status === 200, 'slow to serve', 10_000, 100);
    } else expect(held.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(200);
    const never = await fetch(`${gateway}/never/x`);
    expect(never.status).toBe(503);
    expect(((await never.json()) as { service: string }).service).toBe('never');
    dm.signal('SIGINT');
    await dm.exited;
  });
});
