import { execa } from 'execa';
import { describe, expect, onTestFinished, test } from 'vitest';
import { isPortFree } from '../../../src/net/ports.js';
import { Watchdog } from '../../../src/supervisor/watchdog.js';
import { isPidAlive, killGroupQuietly, waitFor, waitForPidsGone, waitForPortFree } from '../../helpers/processes.js';
import { fixtures, freePort } from './_rig.js';

interface Pids {
  host: number;
  watchdog: number;
  service: number;
  grandchild: number;
}

/** Runs the stand-in for devmode and reads the pids it reports. */
async function host(port: number, mode: 'idle' | 'clean') {
  const child = execa(process.execPath, ['--import', 'tsx', `${fixtures}supervisor-host.ts`, String(port), mode], { reject: false, all: true });
  let pids: Pids | null = null;
  onTestFinished(() => {
    child.kill('SIGKILL');
    if (pids) for (const pid of [pids.watchdog, pids.service]) killGroupQuietly(pid);
  });
  let out = '';
  child.all?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => /^\{"host".*\}$/m.test(out), 'the host to report its pids', 20_000).catch((error: Error) => {
    throw new Error(`${error.message}; output:\n${out}`);
  });
  pids = JSON.parse(/^\{"host".*\}$/m.exec(out)![0]) as Pids;
  return { child, pids };
}

describe('Watchdog', () => {
  test('devmode killed with SIGKILL: every process it started is gone, the port is free', async () => {
    const port = await freePort();
    const { child, pids } = await host(port, 'idle');
    expect(await Promise.all([pids.watchdog, pids.service, pids.grandchild].map(isPidAlive))).toEqual([true, true, true]);
    expect(await isPortFree(port)).toBe(false);
    process.kill(pids.host, 'SIGKILL');
    await child;
    // the grandchild ignores SIGTERM: the watchdog must escalate (grace 300 ms)
    await waitForPidsGone([pids.service, pids.grandchild, pids.watchdog], 5_000);
    await waitForPortFree(port, '127.0.0.1', 5_000);
  });

  test('a clean stop: devmode exits by itself (the watchdog does not hold it), and so does the watchdog', async () => {
    const port = await freePort();
    const { child, pids } = await host(port, 'clean');
    const result = await child; // would hang here if the pipe or process kept the loop alive
    expect(result.exitCode).toBe(0);
    await waitForPidsGone([pids.service, pids.grandchild, pids.watchdog], 5_000);
    await waitForPortFree(port);
  });

  test('in-process: stop() closes the pipe and the watchdog kills what is still listed', async () => {
    const watchdog = new Watchdog({ graceMs: 200 });
    onTestFinished(() => watchdog.stop());
    const orphan = execa(process.execPath, [`${fixtures}forever.mjs`], { detached: true, reject: false });
    onTestFinished(() => killGroupQuietly(orphan.pid));
    watchdog.add(orphan.pid!); // before start: queued, sent once it listens
    await watchdog.start();
    expect(await isPidAlive(watchdog.pid!)).toBe(true);
    await watchdog.stop();
    await waitForPidsGone([orphan.pid!, watchdog.pid!], 3_000);
    expect(await orphan).toMatchObject({ signal: 'SIGTERM' });
  });

  test('a group reported gone is left alone', async () => {
    const watchdog = new Watchdog({ graceMs: 200 });
    onTestFinished(() => watchdog.stop());
    await watchdog.start();
    const survivor = execa(process.execPath, [`${fixtures}forever.mjs`], { detached: true, reject: false });
    onTestFinished(() => killGroupQuietly(survivor.pid));
    watchdog.add(survivor.pid!);
    watchdog.remove(survivor.pid!);
    await watchdog.stop();
    expect(await isPidAlive(survivor.pid!)).toBe(true);
  });
});
