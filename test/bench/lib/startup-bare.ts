/**
 * The reference for start-up: the same processes launched by `concurrently` (what a user
 * would put in package.json), with devmode's embedded broker run standalone so both legs
 * include a broker, and a wait loop polling the same health checks at the same interval.
 * Each instance gets the environment devmode would give it, with direct URLs (there is no
 * mesh or gateway here).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ManagedServiceConfig } from '../../../src/config/index.js';
import { allocatePort } from '../../../src/net/ports.js';
import { serviceUrlVariable } from '../../../src/system/environment.js';
import type { BenchConfig } from './startup-config.js';
import { DEVMODE_BIN, REPO_ROOT } from './startup-config.js';
import { waitAll, type HealthCheck } from './startup-probe.js';
import { GroupProcess, type Reaper } from './startup-procs.js';

const CONCURRENTLY = path.join(REPO_ROOT, 'node_modules', '.bin', 'concurrently');

export interface BareRun {
  /** spawn of concurrently to every health check passing */
  readyMs: number;
}

/** Quotes one word for /bin/sh. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

interface Plan {
  kafkaPort: number;
  ports: Map<string, number[]>;
}

async function planPorts(managed: readonly ManagedServiceConfig[]): Promise<Plan> {
  const reserved = new Set<number>();
  const kafkaPort = await allocatePort({ preferred: 0, fixed: false, reserved });
  const ports = new Map<string, number[]>();
  for (const s of managed) {
    const list: number[] = [];
    for (let i = 0; i < s.instances; i++) list.push(await allocatePort({ preferred: 0, fixed: false, reserved }));
    ports.set(s.name, list);
  }
  return { kafkaPort, ports };
}

/** The contract variables devmode sets (environment.ts), with direct URLs instead of mesh edges. */
function environment(bench: BenchConfig, plan: Plan, service: ManagedServiceConfig, instance: number): Record<string, string> {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const own = plan.ports.get(service.name) ?? [];
  const env: Record<string, string> = { ...service.environment };
  env.PORT = String(own[instance]);
  env.HOST = '127.0.0.1';
  env.SERVICE_NAME = service.name;
  env.SERVICE_INSTANCE = String(instance);
  env.KAFKA_BROKERS = `127.0.0.1:${plan.kafkaPort}`;
  env.CLUSTER_PEERS = own.filter((_, j) => j !== instance).map(url).join(',');
  for (const peer of bench.managed) {
    const first = plan.ports.get(peer.name)?.[0];
    if (peer.name !== service.name && first !== undefined) env[serviceUrlVariable(peer.name)] = url(first);
  }
  return env;
}

function commandLine(service: ManagedServiceConfig, env: Record<string, string>): string {
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
  const command = typeof service.command === 'string' ? service.command : service.command.map(sh).join(' ');
  return `cd ${sh(service.cwd)} && ${assignments} ${command}`;
}

/**
 * One run: launch everything with concurrently, wait for every health check, stop the group.
 * Resolves with the time from spawn to ready.
 */
export async function bareRun(bench: BenchConfig, reaper: Reaper, timeoutMs = 30_000): Promise<BareRun> {
  const plan = await planPorts(bench.managed);
  const partitions = Math.max(1, ...bench.config.kafka.topics.map((t) => t.partitions));
  const names = ['kafka'];
  const commands = [`${sh(process.execPath)} ${sh(DEVMODE_BIN)} kafka --port ${plan.kafkaPort} --partitions ${partitions}`];
  const checks: HealthCheck[] = [{ kind: 'tcp', port: plan.kafkaPort }];
  let intervalMs = 100;
  for (const s of bench.managed) {
    const ports = plan.ports.get(s.name) ?? [];
    ports.forEach((port, i) => {
      names.push(`${s.name}.${i}`);
      commands.push(commandLine(s, environment(bench, plan, s, i)));
      if (s.readiness.kind === 'http') checks.push({ kind: 'http', port, path: s.readiness.path });
      else checks.push({ kind: 'tcp', port });
    });
    if (s.readiness.kind === 'http' || s.readiness.kind === 'tcp') intervalMs = s.readiness.intervalMs;
  }
  const child = reaper.track(new GroupProcess({ command: CONCURRENTLY, args: ['--names', names.join(','), ...commands], cwd: REPO_ROOT }));
  try {
    const gone = new AbortController();
    void child.exited.then(() => gone.abort('concurrently exited'));
    await waitAll(checks, { intervalMs, timeoutMs, abort: gone.signal });
    const readyMs = performance.now() - child.spawnedAt;
    return { readyMs };
  } catch (error) {
    throw new Error(`bare launch failed: ${(error as Error).message}\n${child.recentLines.slice(-15).join('\n')}`);
  } finally {
    await child.stop({ signal: 'SIGTERM', group: true });
  }
}
