/**
 * The scale bench's generated system: services svc0..svcN-1 of test/fixtures/scale/chain.mjs,
 * each forwarding a chain request to the next (NEXT, through SERVICE_SVC<i+1>_URL), N x
 * `instances`. Two launchers: `devmode up` on a devmode.yaml, and a bare one
 * (lib/scale-launcher.mjs: spawns every process at once and reads their output, nothing
 * more; concurrently took 51 s for 40 x 2 here, itself the bottleneck) giving each instance
 * direct URLs, while the bench polls the same health checks at the same interval.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { allocatePort } from '../../../src/net/ports.js';
import { DEVMODE_BIN, REPO_ROOT } from './startup-config.js';
import { waitAll } from './startup-probe.js';
import { GroupProcess, type Reaper } from './startup-procs.js';

export const CHAIN = fileURLToPath(new URL('../../fixtures/scale/chain.mjs', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('./scale-launcher.mjs', import.meta.url));
/** devmode's readiness polls at most this often by default (config/defaults.ts); the bare wait loop too. */
const PROBE_INTERVAL_MS = 100;

export const serviceName = (i: number) => `svc${i}`;
const next = (i: number, n: number) => serviceName((i + 1) % n);

/** Writes dir/devmode.yaml for N services x `instances`; returns its path. */
export async function writeScaleConfig(dir: string, services: number, instances: number): Promise<string> {
  const entries: Record<string, unknown> = {};
  for (let i = 0; i < services; i++) {
    entries[serviceName(i)] = {
      command: [process.execPath, CHAIN],
      instances,
      environment: { NEXT: next(i, services) },
      readiness: { http: '/health' },
      reload: 'none',
    };
  }
  const file = path.join(dir, 'devmode.yaml');
  // JSON is YAML.
  await writeFile(
    file,
    JSON.stringify({ name: `bench-scale-${services}-${process.pid}`, services: entries, gateway: { port: 0 }, locator: { port: 0 }, admin: { port: 0 }, kafka: { mode: 'embedded', port: 0 } }, null, 2),
  );
  return file;
}


export interface BareSystem {
  readyMs: number;
  /** svc0 instance 0's own address */
  entryUrl: string;
  stop(): Promise<void>;
}

/**
 * The same processes under the bare launcher, with devmode's embedded broker standalone (both
 * legs run a broker), each instance told direct URLs: instance i of a caller calls instance
 * i of each peer (the bare counterpart of the mesh's balancing).
 */
export async function startBare(services: number, instances: number, reaper: Reaper, timeoutMs = 120_000): Promise<BareSystem> {
  const reserved = new Set<number>();
  const kafkaPort = await allocatePort({ preferred: 0, fixed: false, reserved });
  const ports: number[][] = [];
  for (let s = 0; s < services; s++) {
    const list: number[] = [];
    for (let i = 0; i < instances; i++) list.push(await allocatePort({ preferred: 0, fixed: false, reserved }));
    ports.push(list);
  }
  const plan: { command: string; args: string[]; env: Record<string, string> }[] = [{ command: process.execPath, args: [DEVMODE_BIN, 'kafka', '--port', String(kafkaPort)], env: {} }];
  for (let s = 0; s < services; s++) {
    for (let i = 0; i < instances; i++) {
      const env: Record<string, string> = { PORT: String(ports[s]![i]), HOST: '127.0.0.1', SERVICE_NAME: serviceName(s), SERVICE_INSTANCE: String(i), NEXT: next(s, services), KAFKA_BROKERS: `127.0.0.1:${kafkaPort}` };
      for (let p = 0; p < services; p++) if (p !== s) env[`SERVICE_SVC${p}_URL`] = `http://127.0.0.1:${ports[p]![i]}`;
      plan.push({ command: process.execPath, args: [CHAIN], env });
    }
  }
  const planFile = path.join(await mkdtemp(path.join(tmpdir(), 'devmode-bench-bare-')), 'plan.json');
  reaper.removeOnExit(path.dirname(planFile));
  await writeFile(planFile, JSON.stringify(plan));
  const child = reaper.track(new GroupProcess({ command: process.execPath, args: [LAUNCHER, planFile], cwd: REPO_ROOT }));
  const checks = [{ kind: 'tcp' as const, port: kafkaPort }, ...ports.flat().map((port) => ({ kind: 'http' as const, port, path: '/health' }))];
  try {
    const gone = new AbortController();
    void child.exited.then(() => gone.abort('the bare launcher exited'));
    await waitAll(checks, { intervalMs: PROBE_INTERVAL_MS, timeoutMs, abort: gone.signal });
  } catch (error) {
    await child.stop({ signal: 'SIGTERM', group: true });
    throw new Error(`bare launch failed: ${(error as Error).message}\n${child.recentLines.slice(-15).join('\n')}`);
  }
  const readyMs = performance.now() - child.spawnedAt;
  return { readyMs, entryUrl: `http://127.0.0.1:${ports[0]![0]}`, stop: () => child.stop({ signal: 'SIGTERM', group: true }) };
}
