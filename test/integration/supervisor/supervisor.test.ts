import { describe, expect, onTestFinished, test } from 'vitest';
import type { SlotSpec } from '../../../src/supervisor/instance-slot.js';
import { Supervisor, type SupervisorOptions } from '../../../src/supervisor/supervisor.js';
import { isPidAlive, waitFor, waitForPidsGone } from '../../helpers/processes.js';
import { EventLog, env, fixtures, freePort, http, node } from './_rig.js';

function supervisor(log: EventLog, options: Partial<SupervisorOptions> = {}): Supervisor {
  const sup = new Supervisor({ publish: log.publish, ...options });
  onTestFinished(() => sup.stopAll());
  return sup;
}

function spec(overrides: Partial<SlotSpec> & Pick<SlotSpec, 'command'>): SlotSpec {
  return {
    ref: { service: 'svc', instance: 0 },
    cwd: fixtures,
    port: 0,
    env: (port) => env({ PORT: port }),
    readiness: { kind: 'tcp', timeoutMs: 5_000, intervalMs: 20 },
    restart: 'on-failure',
    stopGraceMs: 2_000,
    ...overrides,
  };
}

async function get(port: number): Promise<{ pid: number; version: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return (await res.json()) as { pid: number; version: string | null };
}

describe('Supervisor', () => {
  test('a crashing instance is restarted with growing backoff, then shown as a crash loop', async () => {
    const log = new EventLog();
    const sup = supervisor(log, { backoff: { initialMs: 50, factor: 2, crashLoopRestarts: 3, crashLoopWindowMs: 60_000 } });
    sup.startInstance(spec({ command: node('crash-after.mjs'), env: env({ CRASH_AFTER_MS: 10 }) }));
    await waitFor(() => log.states().filter((s) => s.state === 'crash-loop').length >= 2, 'two crash-loop events', 10_000);
    await sup.stopAll();
    const waits = log.states().filter((s) => s.state === 'backoff' || s.state === 'crash-loop');
    expect(waits.slice(0, 4).map((s) => [s.state, s.restartInMs])).toEqual([
      ['backoff', 50],
      ['backoff', 100],
      ['crash-loop', 200],
      ['crash-loop', 400],
    ]);
    expect(waits[0]?.detail).toBe('exited with code 1; restart 1 in 50 ms');
    // each restart is a new process: starting -> exited -> backoff -> starting ...
    expect(log.states().filter((s) => s.state === 'starting').length).toBeGreaterThanOrEqual(4);
    expect(log.states().at(-1)?.state).toBe('stopped');
  });

  test('a port devmode chose, taken by another program before the service bound it, moves on the restart', async () => {
    const log = new EventLog();
    const sup = supervisor(log, { backoff: { initialMs: 50 } });
    // another program holds the port the service was given
    const { createServer } = await import('node:net');
    const held = new Set<import('node:net').Socket>();
    const holder = createServer((socket) => held.add(socket));
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    onTestFinished(() => {
      for (const socket of held) socket.destroy();
      return new Promise<void>((r) => holder.close(() => r()));
    });
    const taken = (holder.address() as { port: number }).port;
    const other = await freePort();
    const asked: number[] = [];
    const slot = sup.startInstance(
      spec({ command: node('http-health.mjs'), port: taken, readiness: http(), movePort: async (busy) => (asked.push(busy), other) }),
    );
    await slot.whenReady();
    expect(asked).toEqual([taken]);
    expect(slot.port).toBe(other);
    expect((await get(other)).pid).toBe(slot.pid);
    expect(log.states().find((s) => s.state === 'ready')?.port).toBe(other);
    expect(log.events.some((e) => e.type === 'system.notice' && e.message.includes(`port ${taken} is taken by another program; restarting on ${other}`))).toBe(true);
  });

  test('stopService keeps a service stopped (no restart); startService and restart bring it back with a new process', async () => {
    const log = new EventLog();
    const sup = supervisor(log);
    const port = await freePort();
    const slot = sup.startInstance(spec({ command: node('tcp-listen.mjs'), port }));
    await slot.whenReady();
    const first = slot.pid!;
    await sup.stopService('svc');
    expect(slot.state).toBe('stopped');
    await waitForPidsGone([first]);
    await new Promise((r) => setTimeout(r, 300));
    expect(slot.state).toBe('stopped');
    await sup.startService('svc');
    expect(slot.state).toBe('ready');
    const second = slot.pid!;
    expect(second).not.toBe(first);
    await sup.stopService('svc');
    await sup.restart('svc');
    expect(slot.state).toBe('ready');
    expect(slot.pid).not.toBe(second);
    await expect(sup.stopService('nope')).rejects.toThrow(/no managed service named nope/);
    await sup.stopAll();
    await expect(sup.startService('svc')).rejects.toThrow(/stopping/);
  });

  test("restart: 'no' gives up; whenReady() says why", async () => {
    const log = new EventLog();
    const sup = supervisor(log);
    const slot = sup.startInstance(spec({ command: node('crash-after.mjs'), restart: 'no', env: env({ EXIT_CODE: 2 }) }));
    await expect(slot.whenReady()).rejects.toThrow(/^svc exited with code 2; last lines:/);
    expect(slot.state).toBe('exited');
    expect(slot.lastError).toBe('exited with code 2');
    expect(log.states().some((s) => s.state === 'backoff')).toBe(false);
  });

  test('swap: the new version is ready before the old one stops; then the old one is retired', async () => {
    const log = new EventLog();
    const sup = supervisor(log);
    const oldPort = await freePort();
    const slot = sup.startInstance(
      spec({ command: node('http-health.mjs'), port: oldPort, readiness: http(), env: (port) => env({ PORT: port, VERSION: 'v1' }) }),
    );
    await slot.whenReady();
    const oldPid = slot.pid!;
    const newPort = await freePort();
    const handle = await sup.replace(slot.ref, { port: newPort, env: (port) => env({ PORT: port, VERSION: 'v2', HEALTH_DELAY_MS: 200 }) });
    // both serve now: the caller switches traffic, then retires the old one
    expect(await get(oldPort)).toEqual({ pid: oldPid, version: 'v1' });
    expect(await get(newPort)).toEqual({ pid: handle.pid, version: 'v2' });
    expect(slot.port).toBe(newPort);
    expect(slot.pid).toBe(handle.pid);
    const readies = log.states().filter((s) => s.state === 'ready');
    expect(readies.map((s) => s.port)).toEqual([oldPort, newPort]);
    // the replacement stayed silent until it took over: no second 'starting' for the ref
    expect(log.states().filter((s) => s.state === 'starting')).toHaveLength(1);
    await handle.retireOld();
    await waitForPidsGone([oldPid]);
    expect(log.lines()).toContain('got SIGTERM, closing');
    // the retired process's stop is not announced under the ref the new one now holds
    expect(log.states().at(-1)).toMatchObject({ state: 'ready', port: newPort });
    expect(slot.state).toBe('ready');
  });

  test('a replacement that fails to become ready leaves the old one running', async () => {
    const log = new EventLog();
    const sup = supervisor(log);
    const port = await freePort();
    const slot = sup.startInstance(spec({ command: node('http-health.mjs'), port, readiness: http() }));
    await slot.whenReady();
    const oldPid = slot.pid!;
    await expect(sup.replace(slot.ref, { port: await freePort(), command: node('crash-after.mjs') })).rejects.toThrow(
      /^svc exited with code 1 before it became ready; last lines:\n {2}starting pid \d+\n {2}fatal: something broke$/,
    );
    expect(slot.pid).toBe(oldPid);
    expect(slot.port).toBe(port);
    expect(slot.state).toBe('ready');
    expect((await get(port)).pid).toBe(oldPid);
    expect(log.states().map((s) => s.state)).toEqual(['starting', 'ready']);
  });

  test('a swap fixes a crash-looping instance', async () => {
    const log = new EventLog();
    const sup = supervisor(log, { backoff: { initialMs: 5_000 } });
    const slot = sup.startInstance(spec({ command: node('crash-after.mjs'), readiness: http() }));
    await waitFor(() => slot.state === 'backoff', 'backoff');
    const handle = await sup.replace(slot.ref, { port: await freePort(), command: node('http-health.mjs') });
    await handle.retireOld();
    expect(slot.state).toBe('ready');
    expect((await get(handle.port)).pid).toBe(handle.pid);
  });

  test('restart mode stops, then starts on the same port; stopAll stops every slot in parallel', async () => {
    const log = new EventLog();
    const sup = supervisor(log);
    const ports = [await freePort(), await freePort()];
    const slots = ports.map((port, instance) =>
      sup.startInstance(spec({ ref: { service: 'svc', instance }, command: node('http-health.mjs'), port, readiness: http() })),
    );
    await Promise.all(slots.map((s) => s.whenReady()));
    const before = slots.map((s) => s.pid!);
    await sup.restart('svc');
    expect(slots.map((s) => s.port)).toEqual(ports);
    for (const [i, s] of slots.entries()) {
      expect(s.pid).not.toBe(before[i]);
      expect((await get(ports[i]!)).pid).toBe(s.pid);
    }
    expect(await Promise.all(before.map(isPidAlive))).toEqual([false, false]);
    // a restart requested by the user is not a crash: no backoff
    expect(log.states().some((s) => s.state === 'backoff')).toBe(false);
    const pids = slots.map((s) => s.pid!);
    await sup.stopAll();
    await waitForPidsGone(pids, 5_000);
    expect(slots.map((s) => s.state)).toEqual(['stopped', 'stopped']);
    expect(() => sup.startInstance(spec({ command: node('forever.mjs') }))).toThrow(/stopping/);
  });

  test('stopAll() during backoff cancels the restart', async () => {
    const log = new EventLog();
    const sup = supervisor(log, { backoff: { initialMs: 300 } });
    const slot = sup.startInstance(spec({ command: node('crash-after.mjs') }));
    await waitFor(() => slot.state === 'backoff', 'backoff');
    await sup.stopAll();
    const starts = log.states().filter((s) => s.state === 'starting').length;
    await new Promise((r) => setTimeout(r, 500)); // past the backoff: nothing may start
    expect(log.states().filter((s) => s.state === 'starting').length).toBe(starts);
    expect(log.states().at(-1)?.state).toBe('stopped');
  });
});
