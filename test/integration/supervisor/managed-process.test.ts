import { describe, expect, test } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPortFree } from '../../../src/net/ports.js';
import { isPidAlive, waitFor, waitForPidsGone, waitForPortFree } from '../../helpers/processes.js';
import { EventLog, env, freePort, http, managed, node, tcp } from './_rig.js';

describe('ManagedProcess', () => {
  test('passes the given environment through, and nothing else of devmode', async () => {
    const log = new EventLog();
    const port = await freePort();
    process.env.DEVMODE_TEST_LEAK = 'must-not-pass';
    const proc = managed({
      command: node('echo-env.mjs'),
      port,
      publish: log.publish,
      env: env({ PORT: port, HOST: '127.0.0.1', SERVICE_NAME: 'svc', SERVICE_INSTANCE: 0, KAFKA_BROKERS: '127.0.0.1:9092' }),
    });
    await proc.start();
    delete process.env.DEVMODE_TEST_LEAK;
    const line = await log.waitForLine(/^ENV /);
    const seen = JSON.parse(line.slice(4)) as Record<string, string>;
    expect(seen).toMatchObject({ PORT: String(port), HOST: '127.0.0.1', SERVICE_NAME: 'svc', SERVICE_INSTANCE: '0', KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(seen.DEVMODE_TEST_LEAK).toBeUndefined();
  });

  test('http readiness: ready only once /health answers, with events in order', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('http-health.mjs'), port, publish: log.publish, readiness: http(), env: env({ PORT: port, HEALTH_DELAY_MS: 300 }) });
    await proc.start();
    expect(proc.state).toBe('ready');
    const states = log.states();
    expect(states.map((s) => s.state)).toEqual(['starting', 'ready']);
    expect(states[1]).toMatchObject({ port, pid: proc.pid });
    expect(states[1]?.readyInMs).toBeGreaterThanOrEqual(300);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(((await res.json()) as { pid: number }).pid).toBe(proc.pid);
  });

  test('http readiness answered 503: still starting, with why (views show it unhealthy), said once per reason; then ready', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('http-health.mjs'), port, publish: log.publish, readiness: http(), env: env({ PORT: port, UNHEALTHY_MS: 400 }) });
    await proc.start();
    const states = log.states();
    expect(states.map((s) => [s.state, s.detail])).toEqual([
      ['starting', undefined],
      ['starting', 'readiness: GET /health answered 503'],
      ['ready', undefined],
    ]);
  });

  test('tcp readiness through /bin/sh -c for a string command', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: `"${process.execPath}" tcp-listen.mjs`, port, publish: log.publish, env: env({ PORT: port, LISTEN_DELAY_MS: 200 }) });
    await proc.start();
    expect(await isPortFree(port)).toBe(false);
  });

  test('log readiness: a regex on stdout or stderr lines', async () => {
    const log = new EventLog();
    const proc = managed({ command: node('log-ready.mjs'), port: 0, publish: log.publish, readiness: { kind: 'log', pattern: /READY/g, timeoutMs: 5_000 } });
    await proc.start();
    expect(log.lines()).toEqual(['booting', 'a warning on stderr', 'service is READY to go']);
    const streams = log.events.flatMap((e) => (e.type === 'log' ? [e.stream] : []));
    expect(streams).toEqual(['stdout', 'stderr', 'stdout']);
  });

  test('a readiness timeout is one clear error, and the process is stopped', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('forever.mjs'), port, publish: log.publish, readiness: http('/health', 400) });
    await expect(proc.start()).rejects.toThrow(new RegExp(`^svc not ready after 400ms: GET http://127.0.0.1:${port}/health never answered 2xx/3xx \\(last: connect ECONNREFUSED\\)$`));
    const exit = await proc.exited;
    expect(exit).toMatchObject({ requested: false });
    expect(proc.state).toBe('exited');
    expect(log.states().map((s) => s.state)).toEqual(['starting', 'stopping', 'exited']);
    await waitForPidsGone([proc.pid!]);
  });

  test('exiting before ready rejects with the exit code and the last lines (partial last line included)', async () => {
    const log = new EventLog();
    const proc = managed({ command: node('crash-after.mjs'), port: await freePort(), publish: log.publish, env: env({ EXIT_CODE: 3 }) });
    const error = await proc.start().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^svc exited with code 3 before it became ready; last lines:\n {2}starting pid \d+\n {2}fatal: something broke$/);
    expect(await proc.exited).toMatchObject({ code: 3, signal: null, requested: false, reason: 'exited with code 3' });
    expect(log.states().at(-1)).toMatchObject({ state: 'exited', exit: { code: 3, signal: null } });
  });

  test('a command that cannot start says why', async () => {
    const log = new EventLog();
    const missing = managed({ command: ['/nonexistent/binary'], port: 0, publish: log.publish });
    await expect(missing.start()).rejects.toThrow(/^svc could not start: .*ENOENT/);
    const badCwd = managed({ command: node('forever.mjs'), cwd: '/nonexistent/dir', port: 0, publish: log.publish });
    await expect(badCwd.start()).rejects.toThrow('svc could not start: its working directory /nonexistent/dir does not exist; fix cwd in devmode.yaml');
    const stoppedAtOnce = managed({ command: ['/nonexistent/binary'], port: 0, publish: log.publish });
    void stoppedAtOnce.start().catch(() => {});
    expect(await stoppedAtOnce.stop()).toMatchObject({ requested: true });
  });

  test('stop() sends SIGTERM, which a well-behaved service honours', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('http-health.mjs'), port, publish: log.publish, readiness: http(), stopGraceMs: 10_000 });
    await proc.start();
    const started = Date.now();
    const exit = await proc.stop();
    expect(Date.now() - started).toBeLessThan(5_000); // far below the grace: SIGTERM did it
    expect(exit).toMatchObject({ code: 0, signal: null, requested: true });
    expect(log.lines()).toContain('got SIGTERM, closing');
    expect(log.states().map((s) => s.state)).toEqual(['starting', 'ready', 'stopping', 'stopped']);
    expect(await proc.stop()).toBe(exit); // idempotent
    await waitForPortFree(port);
  });

  test('a child that ignores SIGTERM is SIGKILLed after the grace period', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('ignore-sigterm.mjs'), port, publish: log.publish, stopGraceMs: 300 });
    await proc.start();
    const started = Date.now();
    const exit = await proc.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', requested: true });
    await log.waitForLine(/ignoring SIGTERM/);
    await waitForPidsGone([proc.pid!]);
    await waitForPortFree(port);
  });

  test('grandchildren die with the group, also those ignoring SIGTERM', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('grandchild.mjs'), port, publish: log.publish, stopGraceMs: 300, env: env({ PORT: port, IGNORE_TERM: 1 }) });
    await proc.start(); // tcp readiness passes through the grandchild's listener
    const { pid, grandchild } = JSON.parse(await log.waitForLine(/^\{"pid"/)) as { pid: number; grandchild: number };
    expect(await isPidAlive(grandchild)).toBe(true);
    await proc.stop();
    await waitForPidsGone([pid, grandchild], 5_000);
    // the listener goes with the grandchild; the kernel may take a moment after its exit
    await waitForPortFree(port);
  });

  test('when the leader crashes, what it started is killed too', async () => {
    const log = new EventLog();
    const port = await freePort();
    const proc = managed({ command: node('grandchild.mjs'), port, publish: log.publish, stopGraceMs: 300, env: env({ PORT: port }) });
    await proc.start();
    const { pid, grandchild } = JSON.parse(await log.waitForLine(/^\{"pid"/)) as { pid: number; grandchild: number };
    process.kill(pid, 'SIGKILL');
    expect(await proc.exited).toMatchObject({ signal: 'SIGKILL', requested: false, reason: 'was killed by SIGKILL' });
    await waitForPidsGone([grandchild], 5_000);
  });

  test('stop() while starting aborts readiness and stops the process', async () => {
    const log = new EventLog();
    const proc = managed({ command: node('forever.mjs'), port: await freePort(), publish: log.publish, readiness: tcp(30_000) });
    const starting = proc.start().then(
      () => null,
      (e: Error) => e,
    );
    await waitFor(() => proc.pid !== undefined, 'a pid');
    await sleep(50); // let the first probes fail
    await proc.stop();
    expect((await starting)?.message).toBe('svc was stopped before it became ready');
    expect(proc.state).toBe('stopped');
    await waitForPidsGone([proc.pid!]);
  });

  test('long lines are cut, not buffered without bound', async () => {
    const log = new EventLog();
    const proc = managed({
      command: [process.execPath, '-e', "process.stdout.write('x'.repeat(40000) + '\\nend'); setInterval(() => {}, 1e9)"],
      port: 0,
      publish: log.publish,
      readiness: { kind: 'log', pattern: /^x+$/, timeoutMs: 5_000 },
    });
    await proc.start();
    await waitFor(() => log.lines().length >= 3, 'three pieces');
    expect(log.lines().map((l) => l.length)).toEqual([16384, 16384, 40000 - 2 * 16384]);
    await proc.stop();
    expect(log.lines().at(-1)).toBe('end'); // the partial last line is flushed at exit
  });
});
