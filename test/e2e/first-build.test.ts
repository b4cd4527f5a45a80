/**
 * A service whose first build fails is started by the save that fixes it; `devmode restart`
 * answers a user's words (not "a devmode bug") for a service that never started or that
 * crash-loops, and exits 2 for a service that does not exist.
 */
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, FREE_PORTS, runDevmode, tempProject } from '../helpers/devmode-rig.js';
import { waitFor } from '../helpers/processes.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

describe('a first build that fails', () => {
  it('says nothing serves yet, and the save that fixes it starts the service', async () => {
    const dir = tempProject({
      'web/version.txt': 'v1\n',
      'devmode.yaml': `
name: firstbuild-${process.pid}
services:
  web:
    command: node ${WEB}
    cwd: web
    build: test -f ok
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
    });
    const dm = devmode(['up'], dir);
    await dm.waitFor(/web +\| build failed \(exit 1\)/);
    expect(dm.stdout).not.toMatch(/previous version keeps serving/);
    await dm.waitFor(/not every service became ready/);
    const gateway = (await dm.waitFor(/gateway on (http:\/\/\S+?),/))[1]!;
    // nothing is coming until a build succeeds: the gateway says so at once, status says why
    const t0 = performance.now();
    const down = await fetch(`${gateway}/web/`);
    expect(down.status).toBe(502);
    expect(((await down.json()) as { reason: string }).reason).toMatch(/build failed/);
    expect(performance.now() - t0).toBeLessThan(4_000); // not the 5 s wait_timeout
    // the Store reads the locator's reasons about once a second
    const whyNow = async () => {
      const status = JSON.parse((await runDevmode(['status', '--json'], dir)).stdout) as { services: { name: string; instances: { why: string | null }[] }[] };
      return status.services.find((s) => s.name === 'web')?.instances[0]?.why ?? '';
    };
    await waitFor(async () => /build failed/.test(await whyNow()), 'status to say why web is not running', 10_000, 250);

    // restart of a service that never started: it builds and fails again, in the user's words
    const refused = await runDevmode(['restart', 'web'], dir);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).not.toMatch(/devmode bug|internal error/);
    expect(refused.stderr).toMatch(/web/);
    expect(refused.stderr).toMatch(/build failed/);

    writeFileSync(path.join(dir, 'web/ok'), '');
    await dm.waitFor(/web\.0 +\| ready/, 30_000);
    await waitFor(async () => (await fetch(`${gateway}/web/`).catch(() => null))?.status === 200, 'web serves through the gateway', 15_000);
    const status = await runDevmode(['status', '--json'], dir);
    const snapshot = JSON.parse(status.stdout) as { services: { name: string; instances: { state: string }[] }[] };
    expect(snapshot.services.find((s) => s.name === 'web')?.instances.map((i) => i.state)).toEqual(['ready']);
    const logs = devmode(['logs', 'web'], dir);
    await logs.waitFor(/web/);

    // and then restart works as for any service
    const restarted = await runDevmode(['restart', 'web'], dir);
    expect(restarted.code, restarted.stderr).toBe(0);
  }, 90_000);
});

describe('devmode restart', () => {
  it('of a crash-looping service says it did not come back, in the user words; of an unknown service exits 2', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: restartbad-${process.pid}
services:
  bad:
    command: node ${WEB}
    environment: { CRASH: "1" }
    readiness: { http: /health, timeout: 20s }
${FREE_PORTS}`,
    });
    const dm = devmode(['up'], dir);
    await dm.waitFor(/bad\.0 +\| restarting in/);
    const restarted = await runDevmode(['restart', 'bad'], dir);
    expect(restarted.code, restarted.stderr).toBe(1);
    expect(restarted.stderr).not.toMatch(/devmode bug|internal error/);
    expect(restarted.stderr).toMatch(/bad.*(exited|crash)/);

    const unknown = await runDevmode(['restart', 'nosuch'], dir);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toMatch(/no service named "nosuch"/);
  }, 60_000);
});
