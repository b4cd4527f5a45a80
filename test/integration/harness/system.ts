import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from '../../helpers/devmode-rig.js';
import { isPidAlive, waitForPidsGone, waitForPortFree } from '../../helpers/processes.js';
import type { DevmodeSystem } from '../../../src/index.js';

/** The harness's own test system (test/fixtures/harness): front -> back -> store, and lone. */
export const FIXTURE = path.join(REPO, 'test/fixtures/harness/devmode.yaml');
export const SAMPLE = path.join(REPO, 'devmode.yaml');

/** Every pid and listening port a system holds (its services' and devmode's own). */
export function footprint(system: DevmodeSystem): { pids: number[]; ports: number[] } {
  const pids: number[] = [];
  const ports: number[] = [];
  for (const s of system.snapshot().services) {
    for (const i of s.instances) {
      if (i.pid !== null) pids.push(i.pid);
      if (i.port !== null) ports.push(i.port);
    }
  }
  for (const url of [system.urls.gateway, system.urls.locator, system.urls.admin, `http://${system.urls.kafka}`, ...Object.values(system.urls.services)]) ports.push(Number(new URL(url).port));
  return { pids, ports: [...new Set(ports)] };
}

/** Asserts nothing of a stopped system is left: no process, no listening port. */
export async function expectNothingLeft(left: { pids: number[]; ports: number[] }): Promise<void> {
  await waitForPidsGone(left.pids, 10_000);
  for (const port of left.ports) await waitForPortFree(port, '127.0.0.1', 10_000);
  for (const pid of left.pids) expect(await isPidAlive(pid)).toBe(false);
}

export async function get(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

export function adminRecordExists(root: string): boolean {
  return existsSync(path.join(root, '.devmode', 'admin.json'));
}
