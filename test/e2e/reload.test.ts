/**
 * Hot reload through the real `devmode up`: a saved file is served by the new version with
 * no failed request under steady traffic; a failed build keeps the old version serving.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, FREE_PORTS, tempProject } from '../helpers/devmode-rig.js';
import { waitFor as waitForCondition } from '../helpers/processes.js';
import type { DevmodeProcess } from '../helpers/devmode-rig.js';

let current: DevmodeProcess | undefined;
/** waitFor with a budget that tolerates a loaded CI machine, failing with devmode's output. */
async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  try {
    await waitForCondition(check, what, timeoutMs * 3);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- devmode output ---\n${current?.stdout.slice(-6000) ?? ''}`);
  }
}

const WEB = path.join(FIXTURES, 'e2e/web.mjs');
const BUILD = path.join(FIXTURES, 'e2e/build.mjs');

/** Steady traffic from `loops` concurrent clients until stop(); counts every failure. */
function steadyTraffic(url: string, loops = 4) {
  let running = true;
  const failures: string[] = [];
  const versions: string[] = [];
  let ok = 0;
  const loop = async () => {
    while (running) {
      try {
        const res = await fetch(url);
        const text = await res.text();
        if (res.status !== 200) failures.push(`${res.status} ${text}`);
        else {
          ok++;
          const v = (JSON.parse(text) as { version: string }).version;
          if (versions.at(-1) !== v) versions.push(v);
        }
      } catch (error) {
        failures.push(String((error as Error).cause ?? error));
      }
    }
  };
  const done = Promise.all(Array.from({ length: loops }, loop));
  return {
    failures,
    versions,
    get ok() {
      return ok;
    },
    current: () => versions.at(-1),
    async stop() {
      running = false;
      await done;
    },
  };
}

function project(name: string, mode: 'swap' | 'restart') {
  const dir = tempProject({
    'web/version.txt': 'v0\n',
    'devmode.yaml': `
name: ${name}-${process.pid}
services:
  web:
    command: node ${WEB}
    cwd: web
    build: node ${BUILD}
    reload: ${mode}
    instances: 2
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
  });
  return { dir, version: path.join(dir, 'web/version.txt') };
}

describe('hot reload', () => {
  it('swaps in the new version with zero failed requests, and a failed build keeps the old one serving', async () => {
    const { dir, version } = project('swap', 'swap');
    const dm = (current = devmode(['up'], dir));
    const gateway = await dm.ready();
    const traffic = steadyTraffic(`${gateway}/web/`);
    try {
      await waitFor(() => traffic.ok > 20, 'traffic to flow', 10_000);
      writeFileSync(version, 'v1\n');
      await dm.waitFor(/web +\| reloading \(because web\/version\.txt changed/);
      await dm.waitFor(/web +\| reloaded in \d+ ms/);
      await waitFor(() => traffic.current() === 'v1', 'v1 to be served', 10_000);

      writeFileSync(version, 'BROKEN\n');
      await dm.waitFor(/web +\| build failed \(exit 2\)/);
      expect(dm.stdout).toMatch(/web +\|   version\.txt:1:1: error TS1005/);
      const okBefore = traffic.ok;
      await waitFor(() => traffic.ok > okBefore + 20, 'more traffic after the failed build', 10_000);
      expect(traffic.current()).toBe('v1');

      writeFileSync(version, 'v2\n');
      await waitFor(() => traffic.current() === 'v2', 'v2 to be served after the fix', 15_000);
    } finally {
      await traffic.stop();
    }
    expect(traffic.failures, traffic.failures.slice(0, 5).join('\n')).toEqual([]);
    // Both instances take over at the same moment, so versions do not alternate (a request
    // already in flight to the old version may still answer just after the switch).
    expect([...new Set(traffic.versions)]).toEqual(['v0', 'v1', 'v2']);
    expect(traffic.versions.length, traffic.versions.join(' ')).toBeLessThanOrEqual(5);
    dm.signal('SIGINT');
    expect((await dm.exited).code).toBe(0);
  });

  it('restart mode stops then starts, holding requests meanwhile', async () => {
    const { dir, version } = project('restart', 'restart');
    const dm = (current = devmode(['up'], dir));
    const gateway = await dm.ready();
    const traffic = steadyTraffic(`${gateway}/web/`, 2);
    try {
      await waitFor(() => traffic.ok > 10, 'traffic to flow', 10_000);
      writeFileSync(version, 'v1\n');
      await waitFor(() => traffic.current() === 'v1', 'v1 to be served', 15_000);
      await dm.waitFor(/web\.0 +\| stopping/);
    } finally {
      await traffic.stop();
    }
    expect(traffic.failures, traffic.failures.slice(0, 5).join('\n')).toEqual([]);
    dm.signal('SIGINT');
    await dm.exited;
  });
});
