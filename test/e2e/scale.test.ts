/**
 * The mesh at scale, through the harness (the same System as `devmode up`, real processes):
 * a system of 100 services x 2 instances starts, devmode's listening sockets grow linearly
 * with the services (not with services x instances x peers), calls are still attributed to
 * their caller instance, and SERVICE_<PEER>_URL keeps working, attributed, across a reload
 * swap of either end.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Harness } from '../../src/harness/index.js';
import { DEVMODE, FIXTURES, FREE_PORTS, tempProject } from '../helpers/devmode-rig.js';
import { listeningSockets } from '../helpers/listeners.js';
import { waitFor } from '../helpers/processes.js';

const CHAIN = path.join(FIXTURES, 'scale/chain.mjs');

/** svc0 and svc1 are real HTTP services; the others only processes (sleep), which keeps 200 instances cheap. */
function scaleYaml(name: string, services: number): string {
  const lines = [`name: ${name}-${process.pid}`, 'services:'];
  for (let i = 0; i < services; i++) {
    lines.push(`  svc${i}:`, '    instances: 2', '    reload: none');
    if (i < 2) lines.push(`    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(CHAIN)}]`, '    readiness: { http: /health }');
    else lines.push('    command: [sleep, "600"]', '    readiness: none');
  }
  return `${lines.join('\n')}\n${FREE_PORTS}`;
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** A service's ready instances, as the Store shows them. */
function readyInstances(h: Harness, service: string) {
  return (h.store.getSnapshot().services.find((s) => s.name === service)?.instances ?? []).filter((i) => i.state === 'ready');
}

describe.skipIf(process.platform !== 'linux')('the mesh at scale', () => {
  it('starts 100 services x 2 instances with listeners growing linearly, calls attributed to the caller instance', async () => {
    const counts = new Map<number, number>();
    for (const services of [10, 40, 100]) {
      const dir = tempProject({ 'devmode.yaml': scaleYaml(`scale${services}`, services) });
      const before = listeningSockets();
      const h = await Harness.start({ file: path.join(dir, 'devmode.yaml') });
      try {
        counts.set(services, listeningSockets() - before);
        if (services === 100) {
          // svc0.1 calls svc1 through its SERVICE_SVC1_URL: the mesh knows which instance called.
          const svc0 = readyInstances(h, 'svc0').find((i) => i.instance === 1)!;
          const since = h.mark();
          const answer = await getJson(`${svc0.url}/call/svc1/hello`);
          expect(answer.status).toBe(200);
          expect(answer.body.service).toBe('svc1');
          const exchange = await h.waitFor('http.exchange', (e) => e.callee.service === 'svc1' && e.path === '/hello', 5_000, since);
          expect(exchange.caller).toEqual({ service: 'svc0', instance: 1 });
          // every instance's URLs for its peers are its own: 2 x 99 distinct SERVICE_SVC1_URL... across the system
          const env = (await getJson(`${svc0.url}/env`)).body.env as Record<string, string>;
          expect(Object.keys(env).filter((k) => /^SERVICE_SVC\d+_URL$/.test(k))).toHaveLength(99);
          expect(env.CLUSTER_PEERS?.split(',')).toHaveLength(1);
        }
      } finally {
        await h.stop();
      }
    }
    const [l10, l40, l100] = [counts.get(10)!, counts.get(40)!, counts.get(100)!];
    // Per added service (2 instances): its edge, one per instance for CLUSTER_PEERS, and its
    // instances' own ports are not devmode's. Linear: the same cost per service at every size.
    const perService = (l100 - l40) / 60;
    expect((l40 - l10) / 30).toBe(perService);
    expect(perService).toBeLessThanOrEqual(3);
    // The old scheme (an edge per caller instance per peer) would hold 2 x 99 x 100 here.
    expect(l100).toBeLessThan(400);
  }, 300_000);

  it('keeps SERVICE_<PEER>_URL working and the caller attributed across a reload swap of either end', async () => {
    const dir = tempProject({
      'callee.txt': 'v1\n',
      'caller.txt': 'v1\n',
      'devmode.yaml': `name: swap-${process.pid}
services:
  caller:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(CHAIN)}]
    environment: { VERSION_FILE: caller.txt }
    watch: [caller.txt]
    readiness: { http: /health }
  callee:
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(CHAIN)}]
    environment: { VERSION_FILE: callee.txt }
    watch: [callee.txt]
    readiness: { http: /health }
${FREE_PORTS}`,
    });
    const h = await Harness.start({ file: path.join(dir, 'devmode.yaml'), watch: true });
    try {
      const callerUrl = () => readyInstances(h, 'caller')[0]!.url!;
      const calleeUrl = () => readyInstances(h, 'callee')[0]!.url!;
      const callerEnv = (await getJson(`${callerUrl()}/env`)).body;
      const calleeEnv = (await getJson(`${calleeUrl()}/env`)).body;
      const callAndCheck = async (from: 'caller' | 'callee', to: 'caller' | 'callee', version: string) => {
        const since = h.mark();
        const answer = await getJson(`${from === 'caller' ? callerUrl() : calleeUrl()}/call/${to}/who`);
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(answer.body).toMatchObject({ service: to, version });
        const exchange = await h.waitFor('http.exchange', (e) => e.callee.service === to && e.path === '/who', 5_000, since);
        expect(exchange.caller).toEqual({ service: from, instance: 0 });
      };
      await callAndCheck('caller', 'callee', 'v1');

      // The callee is swapped: the caller (not restarted) keeps its URL, which now leads to v2.
      writeFileSync(path.join(dir, 'callee.txt'), 'v2\n');
      await waitFor(async () => (await getJson(`${calleeUrl()}/env`)).body?.version === 'v2', 'the callee to be swapped to v2', 30_000, 100);
      await callAndCheck('caller', 'callee', 'v2');
      // The new callee process got the same URL for the caller as the old one had.
      const swappedCallee = (await getJson(`${calleeUrl()}/env`)).body;
      expect(swappedCallee.pid).not.toBe(calleeEnv.pid);
      expect(swappedCallee.env.SERVICE_CALLER_URL).toBe(calleeEnv.env.SERVICE_CALLER_URL);
      await callAndCheck('callee', 'caller', 'v1');

      // The caller is swapped: its new process calls through the same URL, attributed as before.
      writeFileSync(path.join(dir, 'caller.txt'), 'v2\n');
      await waitFor(async () => (await getJson(`${callerUrl()}/env`)).body?.version === 'v2', 'the caller to be swapped to v2', 30_000, 100);
      const swappedCaller = (await getJson(`${callerUrl()}/env`)).body;
      expect(swappedCaller.env.SERVICE_CALLEE_URL).toBe(callerEnv.env.SERVICE_CALLEE_URL);
      await callAndCheck('caller', 'callee', 'v2');
    } finally {
      await h.stop();
    }
  }, 120_000);

  it('stops with one message naming the limit when the open-files limit is reached, not an internal error', async () => {
    const dir = tempProject({ 'devmode.yaml': scaleYaml('limit', 100).replace(/instances: 2/g, 'instances: 1') });
    // 100 open files: fewer than the system's listeners, so the limit is met while devmode opens them.
    const child = spawn('sh', ['-c', `ulimit -n 100 && exec "$0" "$1" up --plain`, process.execPath, DEVMODE], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^devmode: reached the limit on open files per process \(EMFILE: the limit is 100, see `ulimit -n`\) at listen \S+; raise it in the shell that starts devmode \(`ulimit -n 65536`.*\) or run fewer services or instances\n$/);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});
