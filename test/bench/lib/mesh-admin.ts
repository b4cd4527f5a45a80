/**
 * Finding a benchmarked devmode's admin API and reading its `GET /state` (the parts the
 * mesh and footprint benches use: where each instance listens, its pid, the broker).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The subset of the admin API's `GET /state` these benches read. */
export interface SystemState {
  gatewayUrl: string;
  kafkaBrokers: string;
  services: {
    name: string;
    instances: { instance: number; state: string; pid: number | null; url: string }[];
  }[];
}

/**
 * The admin URL of the devmode started on `configDir/devmode.yaml` (it writes
 * `.devmode/admin.json` next to its config), polled until it appears.
 */
export async function adminUrlOf(configDir: string, devmodePid: number, timeoutMs = 10_000): Promise<string> {
  const file = path.join(configDir, '.devmode', 'admin.json');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const record = JSON.parse(await readFile(file, 'utf8')) as { url?: unknown; pid?: unknown };
      if (typeof record.url === 'string' && record.pid === devmodePid) return record.url;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`devmode (pid ${devmodePid}) wrote no admin record at ${file} within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** `GET /state` of the admin API. */
export async function systemState(adminUrl: string): Promise<SystemState> {
  const response = await fetch(`${adminUrl}/state`);
  if (!response.ok) throw new Error(`GET ${adminUrl}/state answered ${response.status}`);
  return (await response.json()) as SystemState;
}

/** The instances of `service` in `state`, or an error naming the services there are. */
export function instancesOf(state: SystemState, service: string): SystemState['services'][number]['instances'] {
  const found = state.services.find((s) => s.name === service);
  if (!found) throw new Error(`no service ${service} in devmode's state (it has: ${state.services.map((s) => s.name).join(', ')})`);
  return found.instances;
}
