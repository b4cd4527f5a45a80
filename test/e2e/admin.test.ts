/**
 * The control plane of a real `devmode up`: the admin API's state and faults, and the
 * commands that use it (`devmode wait`, `status`, `events`), found through DEVMODE_ADMIN_URL.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devmode, FIXTURES, FREE_PORTS, runDevmode, tempProject } from '../helpers/devmode-rig.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');

describe('the admin API and its commands', () => {
  it('serves state, sets and clears faults, and drives wait/status/events', async () => {
    const dir = tempProject({
      'devmode.yaml': `
name: admin-${process.pid}
services:
  web:
    command: node ${WEB}
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
  slow:
    command: node ${WEB}
    environment: { START_DELAY_MS: 1500 }
    readiness: { http: /health }
${FREE_PORTS}`,
    });
    const dm = devmode(['up'], dir);
    const admin = (await dm.waitFor(/admin API on (http:\/\/[^\s,]+)/))[1]!;
    const env = { DEVMODE_ADMIN_URL: admin };

    // wait: returns once slow is ready (it takes 1.5 s to listen)
    const waited = await runDevmode(['wait', 'slow', '--timeout', '20s'], dir, env);
    expect(waited.code, waited.stderr).toBe(0);
    const gateway = await dm.ready();

    const state = (await (await fetch(`${admin}/state`)).json()) as { services: { name: string; instances: { state: string; port: number | null }[] }[] };
    expect(state.services.find((s) => s.name === 'slow')?.instances[0]?.state).toBe('ready');

    // a fault set through the API is applied at the gateway, then cleared
    const created = await fetch(`${admin}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callee: 'web', status: 418 }) });
    expect(created.status).toBe(201);
    const rule = (await created.json()) as { id: string };
    expect((await fetch(`${gateway}/web/`)).status).toBe(418);
    expect((await fetch(`${admin}/faults/${rule.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await fetch(`${gateway}/web/`)).status).toBe(200);
    const bad = await fetch(`${admin}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callee: 'nope', status: 500 }) });
    expect(bad.status).toBe(400);

    // the same through the CLI: devmode fault add / list / clear, devmode restart
    const added = await runDevmode(['fault', 'add', '--callee', 'web', '--status', '503', '--id', 'cli-rule'], dir, env);
    expect(added.code, added.stderr).toBe(0);
    expect((await fetch(`${gateway}/web/`)).status).toBe(503);
    const listed = await runDevmode(['fault', 'list'], dir, env);
    expect(listed.stdout).toMatch(/cli-rule: .*gateway|cli-rule: .* -> web/);
    expect((await runDevmode(['fault', 'clear', 'cli-rule'], dir, env)).code).toBe(0);
    expect((await fetch(`${gateway}/web/`)).status).toBe(200);
    const badRule = await runDevmode(['fault', 'add', '--callee', 'nope', '--cut'], dir, env);
    expect(badRule.code).not.toBe(0);
    expect(badRule.stderr).toMatch(/nope/);
    const pidBefore = ((await (await fetch(`${gateway}/web/`)).json()) as { pid: number }).pid;
    const restarted = await runDevmode(['restart', 'web'], dir, env);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(((await (await fetch(`${gateway}/web/`)).json()) as { pid: number }).pid).not.toBe(pidBefore);

    // body capture on demand, with credentials redacted
    expect((await fetch(`${admin}/capture`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callee: 'web' }) })).status).toBe(201);
    await fetch(`${gateway}/web/captured`, { headers: { authorization: 'Bearer hunter2' } });
    const captured = (await (await fetch(`${admin}/capture`)).json()) as { enabled: unknown[]; exchanges: { path: string; requestHeaders: Record<string, string>; responseBody: string }[] };
    const exchange = captured.exchanges.find((e) => e.path === '/web/captured');
    expect(exchange?.requestHeaders.authorization).toBe('[redacted]');
    expect(exchange?.responseBody).toContain('"service":"web"');
    expect(JSON.stringify(captured)).not.toContain('hunter2');
    await fetch(`${admin}/capture`, { method: 'DELETE' });
    expect(((await (await fetch(`${admin}/capture`)).json()) as { enabled: unknown[] }).enabled).toEqual([]);

    // status shows the traffic the gateway saw
    const status = await runDevmode(['status', '--json'], dir, env);
    expect(status.code, status.stderr).toBe(0);
    const snapshot = JSON.parse(status.stdout) as { edges: { caller: string; callee: string; requests: number }[] };
    expect(snapshot.edges.find((e) => e.caller === 'gateway' && e.callee === 'web')?.requests).toBeGreaterThanOrEqual(2);

    // events --json follows the stream: a request shows up as an http.exchange line
    // (--since replays recent history, so the request may come before the command connects)
    await fetch(`${gateway}/web/followed`);
    const events = devmode(['events', '--json', '--type', 'http.exchange', '--since', '5m'], dir, env);
    const line = await events.waitFor(/"path":"\/web\/followed"/, 20_000);
    expect(line[0]).toBeTruthy();
    events.signal('SIGINT');
    await events.exited;

    // logs: the service's output, from the recent history
    const logs = devmode(['logs', 'slow'], dir, env);
    await logs.waitFor(/slow\.0 +\| slow v0 listening/, 20_000);
    expect(logs.stdout).not.toMatch(/web\.0 +\|/);
    logs.signal('SIGINT');
    await logs.exited;

    dm.signal('SIGINT');
    await dm.exited;
    const gone = await runDevmode(['status'], dir, env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no devmode is running at/);
  });
});
