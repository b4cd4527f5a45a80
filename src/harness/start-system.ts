import path from 'node:path';
import { findConfigFile, formatDiagnostics, loadConfig, type SystemConfig } from '../config/index.js';
import { Bus } from '../core/bus.js';
import type { DevmodeEvent } from '../core/events/index.js';
import { connectRemoteStore } from '../cli/admin-client/index.js';
import { describeFailures } from '../system/start-failure.js';
import { serviceUrlVariable } from '../system/environment.js';
import { System } from '../system/system.js';
import { HarnessOptionError, prepareConfig } from './config-subset.js';
import { TextRedactor } from './redact-text.js';
import { DevmodeSystem, type HandleOptions, type SystemBackend, type SystemUrls } from './system-handle.js';

export interface StartSystemOptions extends HandleOptions {
  /** devmode.yaml (default: devmode.yaml or devmode.yml in the current directory) */
  file?: string;
  /** start only these services and what they depend on (default: all) */
  services?: readonly string[];
  /** variables for the services, over this process's environment */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Ports chosen by the OS for every listener and the broker's data in memory, so systems
   * run side by side (default true). false keeps the config's deterministic ports.
   */
  isolate?: boolean;
  /** seed of the fault rules' random source: percentages and jitter repeat exactly */
  seed?: number;
  /** hot reload on file changes (default false: tests call reload() themselves) */
  watch?: boolean;
  /** events the Store keeps for queries and waits (default 20,000) */
  keepEvents?: number;
  /** every event, as it happens (to print while debugging) */
  onEvent?: (event: DevmodeEvent) => void;
}

/** The config could not be read, or the system did not become ready. */
export class StartSystemError extends Error {
  readonly userError = true;
  constructor(message: string) {
    super(message);
    this.name = 'StartSystemError';
  }
}

/**
 * Starts a system (or the named services and their dependencies) in this process and
 * resolves when every instance is ready. The services are real processes; stop() (or
 * `await using`) stops them all; a watchdog process kills them if this process dies first.
 */
export async function startSystem(options: StartSystemOptions = {}): Promise<DevmodeSystem> {
  const config = await readConfig(options.file);
  const prepared = prepareConfig(config, {
    ...(options.services ? { services: options.services } : {}),
    ...(options.isolate !== undefined ? { isolate: options.isolate } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  const bus = new Bus();
  if (options.onEvent) bus.subscribe(options.onEvent);
  const system = new System({
    config: prepared,
    bus,
    env,
    watch: options.watch ?? false,
    externalCaller: 'test',
    storeLimits: { history: options.keepEvents ?? 20_000 },
    // side-by-side systems from one directory must not replace each other's record
    adminRecord: options.isolate === false,
  });
  try {
    const failures = await system.start();
    if (failures.length > 0) throw new StartSystemError(`the system did not become ready:\n${describeFailures(failures)}`);
  } catch (error) {
    await system.stop('start failed');
    throw error;
  }
  return new DevmodeSystem(localBackend(system, prepared, env), options);
}

/** A handle's backend over a started System in this process (also `devmode test`'s, for its report). */
export function localBackend(system: System, config: SystemConfig, env: NodeJS.ProcessEnv): SystemBackend {
  const addresses = system.addresses;
  const secrets = [...TextRedactor.secretsOf(env)];
  for (const s of config.services) if (s.kind === 'managed') secrets.push(...TextRedactor.secretsOf(s.environment));
  return {
    kind: 'local',
    store: system.store,
    control: system.control,
    urls: {
      gateway: addresses.gatewayUrl,
      locator: addresses.locatorUrl,
      admin: addresses.adminUrl ?? '',
      kafka: addresses.kafkaBrokers,
      services: Object.fromEntries(system.externalServiceUrls),
    },
    root: config.root,
    declaredTopics: config.kafka.topics.map((t) => t.name),
    secrets,
    reload: (service) => system.reload(service),
    close: () => system.stop('harness'),
  };
}

export interface AttachOptions extends HandleOptions {
  /** the running devmode's admin API (default $DEVMODE_ADMIN_URL) */
  adminUrl?: string;
  /** per service, the URL to call it by (default from SERVICE_<NAME>_URL, as `devmode test` sets them) */
  services?: Readonly<Record<string, string>>;
  /** the config's directory, where reports go by default (default: the current directory) */
  root?: string;
  /** topics reset() leaves (default: every topic the broker has now) */
  declaredTopics?: readonly string[];
}

/**
 * The same handle for a devmode running elsewhere (`devmode up` in another terminal, a
 * vitest globalSetup, `devmode test`): it reads that devmode's Store and acts through its
 * admin API. stop() detaches and leaves it running.
 */
export async function attachSystem(options: AttachOptions = {}): Promise<DevmodeSystem> {
  const adminUrl = options.adminUrl ?? process.env.DEVMODE_ADMIN_URL;
  if (!adminUrl) throw new HarnessOptionError('attachSystem: no admin URL; pass { adminUrl } or set DEVMODE_ADMIN_URL (devmode test sets it; devmode up prints it)');
  const session = await connectRemoteStore(adminUrl, { limits: { history: 20_000 } });
  try {
    const snapshot = await session.store.waitFor((s) => (s.header.gatewayUrl && s.broker.address ? s : undefined), { timeout: 10_000, what: 'the attached devmode to report its addresses' });
    const urls: SystemUrls = {
      gateway: snapshot.header.gatewayUrl,
      locator: snapshot.header.locatorUrl,
      admin: adminUrl,
      kafka: snapshot.broker.address ?? '',
      services: options.services ?? servicesFromEnvironment(snapshot.services.map((s) => s.name)),
    };
    const topics = options.declaredTopics ?? snapshot.broker.topics.map((t) => t.name);
    const backend: SystemBackend = {
      kind: 'attached',
      store: session.store,
      control: session.control,
      urls,
      root: options.root ?? process.cwd(),
      declaredTopics: topics,
      secrets: TextRedactor.secretsOf(process.env),
      // the admin API has no reload; a restart is what an attached test can ask for
      reload: (service) => session.control.restart(service),
      close: () => session.close(),
    };
    return new DevmodeSystem(backend, options);
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function readConfig(file: string | undefined): Promise<SystemConfig> {
  let resolved = file;
  if (resolved === undefined) {
    const found = findConfigFile(process.cwd());
    if (!found.ok) throw new StartSystemError(`startSystem: ${found.error} (or pass { file })`);
    resolved = found.value;
  }
  const loaded = await loadConfig(path.resolve(resolved));
  if (!loaded.ok) throw new StartSystemError(`devmode config:\n${formatDiagnostics(loaded.error, { color: false })}`);
  return loaded.value;
}

/** SERVICE_<NAME>_URL for each service, as `devmode test` and the services' contract name them. */
function servicesFromEnvironment(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const url = process.env[serviceUrlVariable(name)];
    if (url) out[name] = url;
  }
  return out;
}
