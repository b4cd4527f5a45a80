import { performance } from 'node:perf_hooks';
import type { ManagedServiceConfig, SystemConfig } from '../config/types.js';
import type { Bus } from '../core/bus.js';
import type { BrokerIntrospection, SystemControl } from '../core/contracts.js';
import type { InstanceRef } from '../core/events/index.js';
import { EventStore, type RegisteredService, type StoreLimits } from '../core/store/index.js';
import { ProcessSampler } from '../util/proc-usage.js';
import { AdminServer, adminRecordPath } from '../admin/index.js';
import { createBroker, type BrokerHandle } from '../broker/index.js';
import { CommandRefusedError, SystemCommands } from './control.js';
import { MessageProducer } from './message-producer.js';
import { startOrder } from '../config/graph.js';
import { Gateway } from '../gateway/gateway.js';
import { Registry } from '../locator/registry.js';
import { LocatorServer } from '../locator/server.js';
import { BodyCapture, FaultTable, HeaderRing, routeOf, Topology, TrafficStats } from '../mesh/index.js';
import { HttpProxy } from '../net/proxy/index.js';
import { allocatePort } from '../net/ports.js';
import { describeMachineLimit } from '../net/machine-limits.js';
import { Supervisor, Watchdog, type InstanceSlot } from '../supervisor/index.js';
import type { HotReload } from '../watch/index.js';
import { instanceEnvironment, type SystemAddresses } from './environment.js';
import { planPorts, type PortPlan } from './port-plan.js';
import { deferred, type Deferred } from '../util/deferred.js';
import { SystemEdges } from './edges.js';
import { swapService } from './swap.js';
import { syncRegistry } from './registry-sync.js';
import { describeFailures, SystemStartError, type StartFailure } from './start-failure.js';

export interface SystemOptions {
  config: SystemConfig;
  bus: Bus;
  /** devmode's own environment, inherited by every service (PATH, HOME, ...) */
  env: NodeJS.ProcessEnv;
  /** watch files and hot-reload (devmode up); off for devmode test */
  watch?: boolean;
  /** poll the file system instead of native events */
  poll?: boolean | number;
  /** callers outside the system (devmode test's command) get mesh edges under this name */
  externalCaller?: string;
  /** how long a reloaded instance's predecessor keeps serving in-flight requests (default 250 ms) */
  drainMs?: number;
  /** how much the Store keeps (the harness keeps a longer event history) */
  storeLimits?: Partial<StoreLimits>;
  /** write `.devmode/admin.json` for `devmode status` and friends (default true; the harness's side-by-side systems do not) */
  adminRecord?: boolean;
}

/**
 * The composition root: builds every part from the config, wires them through interfaces
 * (the gateway and the mesh ask the locator's registry for instances; the supervisor's
 * events keep the registry current), starts them in order and stops them in reverse.
 * Views read the Store (`store`) and act only through the commands (`control`): nothing
 * else of the parts is theirs to touch.
 */
export class System {
  readonly #options: SystemOptions;
  readonly #config: SystemConfig;
  readonly #bus: Bus;
  /** what every view reads: folded from the Bus from construction on, so it sees the whole start */
  readonly store: EventStore;
  /** the commands views use */
  readonly control: SystemControl;
  readonly #registry = new Registry();
  readonly #watchdog = new Watchdog();
  readonly #supervisor: Supervisor;
  readonly #proxy = new HttpProxy();
  #edges: SystemEdges | undefined;
  /** external caller's edge per service (devmode test) */
  #externalUrls = new Map<string, string>();
  readonly #unsubscribe: (() => void)[] = [];
  readonly #retiring = new Set<Promise<void>>();
  /** the mesh's figures, read by the Store: per-edge and per-route statistics, the observed graph */
  readonly #stats = new TrafficStats();
  readonly #topology: Topology;
  readonly #capture = new BodyCapture();
  readonly #headers = new HeaderRing();
  readonly #producer = new MessageProducer(() => this.addresses.kafkaBrokers);
  #faults: FaultTable | undefined;
  #broker: BrokerHandle | undefined;
  #locator: LocatorServer | undefined;
  #gateway: Gateway | undefined;
  #admin: AdminServer | undefined;
  #hotReload: HotReload | undefined;
  #plan: PortPlan | undefined;
  #addresses: SystemAddresses | undefined;
  #starting: Promise<StartFailure[]> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: SystemOptions) {
    this.#options = options;
    this.#config = options.config;
    this.#bus = options.bus;
    this.#supervisor = new Supervisor({ publish: (e) => this.#bus.publish(e), groups: this.#watchdog });
    this.#topology = new Topology({ declared: Object.fromEntries(options.config.services.map((s) => [s.name, s.kind === 'managed' ? s.dependsOn : []])) });
    this.#unsubscribe.push(
      this.#bus.subscribe((event) => {
        this.#stats.observe(event);
        this.#topology.observe(event);
      }),
    );
    const sampler = new ProcessSampler();
    this.store = new EventStore({
      bus: this.#bus,
      name: this.#config.name,
      declared: this.#config.services.map((s) => (s.kind === 'managed' ? { name: s.name, kind: s.kind, instances: s.instances } : { name: s.name, kind: s.kind, url: s.url })),
      ...(options.storeLimits ? { limits: options.storeLimits } : {}),
      sources: {
        addresses: () => this.#addresses ?? {},
        traffic: { windowSec: 60, edges: () => this.#stats.edges(), routes: () => this.#stats.routes(), routeOf },
        topology: () => this.#topology.view(),
        broker: { topics: () => this.#brokerIntrospection().topics(), groups: () => this.#brokerIntrospection().groups(), transactions: () => this.#brokerIntrospection().transactions() },
        usage: (pids) => sampler.sample(pids),
        registry: () => this.#registered(),
      },
    });
    this.control = new SystemCommands({
      services: () => this.#registered().map((s) => ({ name: s.name, kind: s.kind, url: s.kind === 'unmanaged' ? (s.instances[0]?.url ?? null) : null })),
      // not through #command: a service whose first build failed has no instances yet, and
      // restart is how it is built and started by hand
      restart: (s) => this.#restart(s),
      stop: (s) => this.#command(s, () => this.#supervisor.stopService(s)),
      start: (s) => this.#command(s, () => this.#supervisor.startService(s)),
      faults: () => this.#faults,
      capture: this.#capture,
      headers: this.#headers,
      recentRecords: (topic, partition, limit) => this.#brokerIntrospection().recentRecords(topic, partition, limit),
      produce: (message) => this.#producer.produce(message),
    });
  }

  /** The system's addresses (valid once start() resolved). */
  get addresses(): SystemAddresses {
    if (!this.#addresses) throw new Error('System is not started');
    return this.#addresses;
  }

  /** For `devmode test`: one URL per service, through the mesh as the external caller. */
  get externalServiceUrls(): ReadonlyMap<string, string> {
    return this.#externalUrls;
  }

  /**
   * Starts everything and resolves when every managed instance is ready, or with the list
   * of instances that did not become ready (readiness timeout, crash loop, failed build);
   * those keep being restarted per their policy and hot reload still watches them, so a fix
   * brings them up. Rejects with a SystemStartError (a user-facing message) when the system
   * itself cannot run: a listener cannot bind, the broker mode is unavailable.
   * What started keeps running until stop(). A start cut short by stop() (Ctrl-C while
   * starting) resolves with no failures: its parts' "stopped before ready" is no error.
   */
  start(): Promise<StartFailure[]> {
    this.#starting ??= this.#start().catch((error: unknown) => {
      if (this.#stopping) return [];
      throw error;
    });
    return this.#starting;
  }

  async #start(): Promise<StartFailure[]> {
    const t0 = performance.now();
    const config = this.#config;
    const publish = this.#bus.publish.bind(this.#bus);

    // --- Ports: all chosen first, so every environment can name every address ---
    const plan = (this.#plan = await planPorts(config).catch(rethrowAsStartError));
    const tPorts = performance.now();
    const host = '127.0.0.1';

    // --- Infrastructure, in parallel: watchdog, broker, locator, gateway ---
    for (const s of config.services) {
      if (s.kind === 'managed') this.#registry.declareService(s.name);
      else this.#registry.addUnmanaged(s.name, s.url);
    }
    this.#unsubscribe.push(syncRegistry(this.#bus, this.#registry, host));
    // Built here, not in the constructor: config rules announce themselves (fault.set) and
    // the views are listening by now.
    const faults = (this.#faults = new FaultTable({
      rules: config.faults,
      ...(config.faultsSeed !== undefined ? { seed: config.faultsSeed } : {}),
      publish,
      // the external caller (devmode test's command) may be named in rules too
      services: [...config.services.map((s) => s.name), ...(this.#options.externalCaller ? [this.#options.externalCaller] : [])],
    }));
    this.#broker = createBroker(config.kafka, { publish, faults, pidToInstance: (pid, pgid) => this.#instanceOfProcess(pid, pgid) });
    this.#locator = new LocatorServer({ registry: this.#registry, host: config.locator.host, port: plan.locator });
    this.#gateway = new Gateway({
      host: config.gateway.host,
      port: plan.gateway,
      waitTimeoutMs: config.gateway.waitTimeoutMs,
      requestTimeoutMs: config.gateway.requestTimeoutMs,
      services: config.services,
      resolver: this.#registry,
      publish,
      acls: this.#registry,
      faults,
      capture: this.#capture,
      headers: this.#headers,
    });
    this.#admin = new AdminServer({ store: this.store, control: this.control, host: config.admin.host, port: plan.admin, ...(this.#options.adminRecord === false ? {} : { recordFile: adminRecordPath(config.root) }), name: config.name });
    const managed = config.services.filter((s): s is ManagedServiceConfig => s.kind === 'managed');
    const edges = (this.#edges = new SystemEdges({
      config,
      managed,
      resolver: this.#registry,
      publish,
      proxy: this.#proxy,
      faults,
      capture: this.#capture,
      headers: this.#headers,
      externalCaller: this.#options.externalCaller,
      reserved: plan.reserved,
    }));
    await Promise.all([
      // The broker first: its worker thread takes longest to boot, and boots beside the rest.
      this.#broker.start().then(() => this.#registry.setKafka(this.#broker!.bootstrap)),
      this.#watchdog.start(),
      this.#locator.start(),
      this.#gateway.start(),
      this.#admin.start(),
      edges.start(),
    ]).catch(rethrowAsStartError);
    const setup = { portsMs: tPorts - t0, listenersMs: performance.now() - tPorts, edges: edges.listeners };
    this.#externalUrls = edges.external();

    this.#addresses = {
      gatewayUrl: this.#gateway.url,
      locatorUrl: this.#locator.url,
      kafkaBrokers: this.#broker.bootstrap,
      adminUrl: this.#admin.url,
    };
    publish({
      type: 'system.notice',
      level: 'info',
      source: 'devmode',
      message: `locator on ${this.#locator.url}, gateway on ${this.#gateway.url}, admin API on ${this.#admin.url}`,
      ts: Date.now(),
    });

    // --- Services: each starts when its dependencies are ready; independent ones in parallel ---
    const failures: StartFailure[] = [];
    const readyOf = new Map<string, Promise<boolean>>();
    const startedOf = new Map<string, Deferred<boolean>>();
    const startService = async (service: ManagedServiceConfig): Promise<boolean> => {
      // depends_on: {x: {condition: service_started}} waits for x's processes only.
      const deps = await Promise.all(
        service.dependsOn.map((d) => (service.dependsOnConditions[d] === 'started' ? startedOf.get(d)?.promise : readyOf.get(d)) ?? Promise.resolve(true)),
      );
      if (deps.some((ok) => !ok)) {
        failures.push({ service: service.name, instance: 0, message: `${service.name} was not started: a dependency (${service.dependsOn.join(', ')}) did not become ready`, lastLines: [] });
        return false;
      }
      const built = await this.#build(service);
      if (built !== null) {
        failures.push({ service: service.name, instance: 0, message: `${service.name}: build failed (${service.build})`, lastLines: built.split('\n') });
        return false;
      }
      const slots = this.#launch(service);
      startedOf.get(service.name)?.resolve(true);
      const results = await Promise.all(slots.map((slot) => this.#awaitReady(service, slot)));
      for (const r of results) if (r) failures.push(r);
      return results.every((r) => r === null);
    };
    for (const service of managed) startedOf.set(service.name, deferred<boolean>());
    const byName = new Map(managed.map((s) => [s.name, s]));
    for (const name of startOrder(config).flat()) {
      const service = byName.get(name);
      if (!service) continue;
      const ready = startService(service);
      // A service that never got as far as starting releases its 'started' dependents too.
      void ready.then((ok) => startedOf.get(service.name)?.resolve(ok));
      readyOf.set(service.name, ready);
    }
    await Promise.all(readyOf.values());

    // --- Hot reload, once everything runs (also for services that failed: a fix brings them up) ---
    if (this.#options.watch !== false && !this.#stopping) {
      // Loaded only now: file watching is not needed to get the system up (start-up time).
      const { HotReload } = await import('../watch/index.js');
      this.#hotReload = new HotReload({ config, publish, reload: (service) => this.#reload(service), serving: (service) => this.#supervisor.slots(service).length > 0, ...(this.#options.poll !== undefined ? { poll: this.#options.poll } : {}) });
      await this.#hotReload.start();
    }
    if (failures.length === 0) {
      publish({ type: 'system.ready', gatewayUrl: this.#gateway.url, ms: performance.now() - t0, setup, ts: Date.now() });
    } else {
      const names = [...new Set(failures.map((f) => f.service))].join(', ');
      publish({ type: 'system.notice', level: 'error', source: 'devmode', message: `not every service became ready (${names}):\n${describeFailures(failures)}`, ts: Date.now() });
    }
    return failures;
  }

  /** Runs the service's build step, if any, publishing a failure; null when it succeeded. */
  async #build(service: ManagedServiceConfig): Promise<string | null> {
    if (!service.build) return null;
    const { BuildRunner } = await import('../watch/index.js');
    this.#bus.publish({ type: 'build.started', service: service.name, ts: Date.now() });
    const built = await new BuildRunner({ command: service.build, cwd: service.cwd, env: this.#options.env as Record<string, string> }).run();
    if (built.ok) {
      this.#bus.publish({ type: 'build.finished', service: service.name, ms: built.ms, ts: Date.now() });
      return null;
    }
    if (this.#supervisor.slots(service.name).length === 0) {
      this.#registry.markNotStarted(service.name, `build failed (exit ${built.exitCode ?? 'signal'}); a change that fixes it, or devmode restart, starts it`);
    }
    this.#bus.publish({ type: 'build.failed', service: service.name, output: built.output, exitCode: built.exitCode, serving: this.#supervisor.slots(service.name).length > 0, ts: Date.now() });
    return built.output;
  }

  /** Starts every instance of a service on its planned ports (spawns now; wait with whenReady). */
  #launch(service: ManagedServiceConfig): InstanceSlot[] {
    const ports = this.#plan?.instances.get(service.name) ?? [];
    return ports.map((port, instance) =>
      this.#supervisor.startInstance({
        ref: { service: service.name, instance },
        command: service.command,
        cwd: service.cwd,
        host: '127.0.0.1',
        port,
        // a derived port someone else took is left for the next free one; a written one is the user's
        ...(service.port === null && this.#plan ? { movePort: (busy: number) => allocatePort({ preferred: busy + 1, fixed: false, reserved: this.#plan!.reserved, wanted: `service ${service.name} instance ${instance}` }) } : {}),
        env: (p) => this.#environment(service, instance, p),
        readiness: service.readiness,
        restart: service.restart,
        stopGraceMs: service.stopGraceMs,
      }),
    );
  }

  /**
   * Starts a service that has no instances yet (its first build failed, or a dependency did
   * not become ready): a fix, or `devmode restart`, brings it up like any start.
   */
  async #firstStart(service: ManagedServiceConfig): Promise<void> {
    const results = await Promise.all(this.#launch(service).map((slot) => this.#awaitReady(service, slot)));
    const failed = results.filter((r): r is StartFailure => r !== null);
    if (failed.length > 0) throw new Error(failed.map((f) => f.message).join('; '));
  }

  /** Waits for a slot's first readiness; a crash loop or the readiness timeout is a failure. */
  #awaitReady(service: ManagedServiceConfig, slot: InstanceSlot): Promise<StartFailure | null> {
    const timeoutMs = service.readiness.kind === 'none' ? 5_000 : service.readiness.timeoutMs;
    return new Promise((resolve) => {
      const off = this.#bus.on('instance.state', (e) => {
        if (e.ref.service === slot.ref.service && e.ref.instance === slot.ref.instance && (e.state === 'crash-loop' || (e.state === 'exited' && slot.state === 'exited'))) {
          off();
          resolve({ service: service.name, instance: slot.ref.instance, message: `${service.name}.${slot.ref.instance}: ${e.detail ?? e.state}`, lastLines: slot.lastLines });
        }
      });
      slot.start().catch(() => {});
      slot.whenReady(timeoutMs).then(
        () => {
          off();
          resolve(null);
        },
        (error: Error) => {
          off();
          resolve({ service: service.name, instance: slot.ref.instance, message: error.message, lastLines: slot.lastLines });
        },
      );
    });
  }

  #environment(service: ManagedServiceConfig, instance: number, port: number): Record<string, string> {
    const edges = this.#edges!;
    return instanceEnvironment({
      inherited: this.#options.env,
      service,
      instance,
      host: '127.0.0.1',
      port,
      addresses: this.addresses,
      peers: edges.peersOf(service, instance, this.#config.services),
      clusterPeers: edges.clusterOf(service, instance),
    });
  }

  /**
   * A hot reload (after the build step, which the reload queue runs): swap (swap.ts: the
   * new version starts beside the old and takes over when ready, so no request fails), or
   * restart (stop then start; callers are held meanwhile).
   */
  async #reload(name: string): Promise<void> {
    const service = this.#config.services.find((s): s is ManagedServiceConfig => s.kind === 'managed' && s.name === name);
    if (!service || !this.#plan) return;
    const slots = this.#supervisor.slots(name);
    // Nothing runs yet (the first build failed): the build just passed, so start it.
    if (slots.length === 0) return this.#firstStart(service);
    if (service.reload === 'restart') {
      this.#registry.markPending(name, 'restarting after a change');
      try {
        await Promise.all(slots.map((slot) => slot.restart()));
      } finally {
        this.#registry.clearPending(name);
      }
      return;
    }
    const retiring = await swapService({ service: name, slots, registry: this.#registry, reserved: this.#plan.reserved, drainMs: this.#options.drainMs ?? 250 });
    for (const retired of retiring) {
      this.#retiring.add(retired);
      void retired.finally(() => this.#retiring.delete(retired));
    }
  }

  /**
   * Restarts every instance of a service (control.restart); a service that never started
   * (its first build failed) is built and started. Rejects with the user's words (a
   * CommandRefusedError) when it does not come back.
   */
  async #restart(name: string): Promise<void> {
    if (this.#stopping) throw new CommandRefusedError('devmode is stopping', 'start it again with devmode up', 503);
    const service = this.#config.services.find((s): s is ManagedServiceConfig => s.kind === 'managed' && s.name === name);
    if (!service) throw new CommandRefusedError(`${name} is not a service devmode starts`, 'see devmode status', 404);
    this.#registry.markPending(name, 'restarting');
    try {
      if (this.#supervisor.slots(name).length > 0) await this.#supervisor.restart(name);
      else {
        const buildOutput = await this.#build(service);
        if (buildOutput !== null) throw new Error(`build failed (${service.build}):\n${buildOutput.trimEnd()}`);
        await this.#firstStart(service);
      }
    } catch (error) {
      if (error instanceof CommandRefusedError) throw error;
      throw new CommandRefusedError(`${name} did not come back: ${error instanceof Error ? error.message : String(error)}`, `see its output with: devmode logs ${name}`, 503);
    } finally {
      this.#registry.clearPending(name);
    }
  }

  /**
   * Reloads a service as a saved file would (no build step: the harness calls it after
   * changing what it needs): swap, or restart for `reload: restart`. Resolves when done.
   */
  async reload(service: string): Promise<void> {
    await this.#command(service, async () => {
      const started = performance.now();
      this.#bus.publish({ type: 'reload.started', service, trigger: 'reload', files: 0, ts: Date.now() });
      try {
        await this.#reload(service);
      } catch (error) {
        this.#bus.publish({ type: 'reload.failed', service, reason: error instanceof Error ? error.message : String(error), ts: Date.now() });
        throw error;
      }
      this.#bus.publish({ type: 'reload.finished', service, ms: performance.now() - started, ts: Date.now() });
    });
  }

  /** Stops everything started, in reverse order. Idempotent; safe during start(). */
  stop(reason = 'stop'): Promise<void> {
    this.#stopping ??= this.#stop(reason);
    return this.#stopping;
  }

  async #stop(reason: string): Promise<void> {
    this.#bus.publish({ type: 'system.stopping', reason, ts: Date.now() });
    const settle = (p: Promise<unknown> | undefined) => p?.catch(() => {});
    await settle(this.#hotReload?.stop());
    await Promise.all([settle(this.#gateway?.stop()), settle(this.#edges?.stop())]);
    await settle(this.#supervisor.stopAll());
    await Promise.all([...this.#retiring].map(settle));
    this.#proxy.close();
    await Promise.all([settle(this.#locator?.stop()), settle(this.#broker?.stop()), settle(this.#admin?.stop())]);
    await settle(this.#watchdog.stop());
    await settle(this.#producer.close());
    for (const off of this.#unsubscribe) off();
    // Closed last, so views see the whole stop; what it holds stays readable.
    this.store.close();
  }

  /** A command for a service's instances; one whose instances have not been started yet is refused clearly. */
  async #command(service: string, run: () => Promise<void>): Promise<void> {
    if (this.#stopping) throw new CommandRefusedError('devmode is stopping', 'start it again with devmode up', 503);
    if (this.#supervisor.slots(service).length === 0) throw new CommandRefusedError(`${service} has not been started yet`, 'it waits for its dependencies or its build; try again once it runs');
    await run();
  }

  /** The broker's introspection, or an empty one before the broker is built. */
  #brokerIntrospection(): BrokerIntrospection {
    return this.#broker?.introspection ?? NO_BROKER;
  }

  /** Services as the locator knows them (the broker's own entry is not a service). */
  #registered(): RegisteredService[] {
    const declared = this.#config.services.map((s) => s.name);
    const entries = this.#registry.list().filter((e) => e.origin !== 'kafka');
    const names = [...new Set([...declared, ...entries.map((e) => e.name)])];
    return names.map((name) => {
      const entry = entries.find((e) => e.name === name);
      const config = this.#config.services.find((s) => s.name === name);
      const kind = config ? config.kind : entry?.origin === 'managed' ? 'managed' : 'unmanaged';
      return { name, kind, notStarted: entry?.notStarted ?? null, instances: (entry?.instances ?? []).map((i) => ({ instance: i.instance, state: i.state, port: i.port, url: i.url, why: i.why ?? null })) };
    });
  }

  /**
   * Which instance a process belongs to: each instance leads its own process group, so a
   * Kafka client started by a shell or npm in that group counts as the instance's.
   */
  #instanceOfProcess(pid: number, pgid: number | undefined): InstanceRef | undefined {
    for (const slot of this.#supervisor.slots()) {
      if (slot.pid !== undefined && (slot.pid === pid || slot.pid === pgid)) return slot.ref;
    }
    return undefined;
  }
}

const NO_BROKER: BrokerIntrospection = { topics: async () => [], groups: async () => [], recentRecords: async () => [], transactions: async () => [] };

function rethrowAsStartError(error: unknown): never {
  if (error instanceof SystemStartError) throw error;
  const limit = describeMachineLimit(error);
  if (limit) throw new SystemStartError(limit);
  const message = error instanceof Error ? error.message : String(error);
  const userError = typeof error === 'object' && error !== null && (error as { userError?: boolean }).userError;
  if (userError || /in use|EADDRINUSE|cannot|could not/i.test(message)) throw new SystemStartError(message);
  throw error;
}
