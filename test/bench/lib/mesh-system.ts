/**
 * The mesh bench's system: two tiny services (lib/mesh-backend.mjs, lib/mesh-caller.mjs)
 * under a real `devmode up` in its own process, so the load generator (the bench) does not
 * share devmode's event loop. It yields the backend's own address (the direct leg) and the
 * URL devmode gave the caller for the backend, SERVICE_BACKEND_URL, which leads through the
 * caller's mesh edge (the mesh leg); the gateway routes /hello to the backend too.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminUrlOf, instancesOf, systemState } from './mesh-admin.js';
import { DevmodeUp } from './startup-devmode.js';
import type { Reaper } from './startup-procs.js';

const FIXTURE = (name: string) => fileURLToPath(new URL(`./mesh-${name}.mjs`, import.meta.url));

export interface MeshSystem {
  devmode: DevmodeUp;
  devmodePid: number;
  adminUrl: string;
  /** the backend instance's own address */
  directUrl: string;
  /** SERVICE_BACKEND_URL as the caller got it: the caller's mesh edge to the backend */
  meshUrl: string;
  /** devmode's gateway, which routes /hello to the backend (the same proxying, from outside) */
  gatewayUrl: string;
}

function configYaml(name: string, dir: string): string {
  // JSON is YAML: paths need no quoting rules of their own.
  const service = (fixture: string, routes: string[]) => ({
    command: [process.execPath, FIXTURE(fixture)],
    cwd: dir,
    readiness: { http: '/health' },
    routes,
    // Nothing is edited during the bench; no watcher, no reload.
    reload: 'none',
  });
  return JSON.stringify({
    name,
    services: { backend: service('backend', ['/hello']), caller: service('caller', []) },
    gateway: { port: 0 },
    locator: { port: 0 },
    admin: { port: 0 },
    kafka: { mode: 'embedded', port: 0 },
  }, null, 2);
}

/** Writes `dir/devmode.yaml`, starts devmode on it and finds the two legs' URLs. */
export async function startMeshSystem(options: { dir: string; reaper: Reaper }): Promise<MeshSystem> {
  const file = path.join(options.dir, 'devmode.yaml');
  await writeFile(file, configYaml(`bench-mesh-${process.pid}`, options.dir));
  const devmode = new DevmodeUp({ file, cwd: options.dir, reaper: options.reaper });
  await devmode.ready;
  const devmodePid = devmode.process.pid;
  if (devmodePid === undefined) throw new Error('devmode has no pid');
  const adminUrl = await adminUrlOf(options.dir, devmodePid);
  const state = await systemState(adminUrl);
  const backend = instancesOf(state, 'backend')[0];
  const caller = instancesOf(state, 'caller')[0];
  if (!backend || !caller) throw new Error('the mesh bench system has no backend or caller instance');
  const peer = (await (await fetch(`${caller.url}/peer`)).json()) as { url: string };
  if (!peer.url) throw new Error('the caller got no SERVICE_BACKEND_URL from devmode');
  // The URL must lead to the backend through the mesh, from the service itself as well.
  const call = await fetch(`${caller.url}/call`);
  if (call.status !== 200) throw new Error(`the caller's call through the mesh answered ${call.status}: ${await call.text()}`);
  return { devmode, devmodePid, adminUrl, directUrl: backend.url, meshUrl: peer.url, gatewayUrl: state.gatewayUrl };
}
