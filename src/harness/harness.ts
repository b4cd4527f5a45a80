/**
 * The programmatic face of devmode for tests: start a system from a config file, get its
 * addresses, wait for events (traffic, broker appends, readiness), set faults, produce and
 * consume through its Kafka, and stop with nothing left behind. It runs the same System as
 * `devmode up`, in the caller's process; the services are real child processes.
 */
import { formatDiagnostics, loadConfig, type SystemConfig } from '../config/index.js';
import { Bus } from '../core/bus.js';
import type { FaultRuleInput, FaultRuleView, SystemControl } from '../core/contracts.js';
import type { DevmodeEvent, EventOf, EventType } from '../core/events/index.js';
import type { Store } from '../core/store/index.js';
import { describeFailures } from '../system/start-failure.js';
import { System } from '../system/system.js';

export interface HarnessOptions {
  /** path of devmode.yaml */
  file: string;
  /** environment the services inherit (default: this process's) */
  env?: NodeJS.ProcessEnv;
  /** hot reload (default off: tests change files on purpose only) */
  watch?: boolean;
  /** how many recent events the Store keeps for `events()` and `waitFor` (default 20,000) */
  keepEvents?: number;
  /** called with every event (e.g. to print them while debugging) */
  onEvent?: (event: DevmodeEvent) => void;
}

export class Harness {
  readonly system: System;
  readonly bus: Bus;
  readonly config: SystemConfig;
  /** the read model: services, logs, traffic, topics, faults (see core/store) */
  readonly store: Store;
  /** the commands: restart, stop, faults, produce, capture (see core/contracts.ts) */
  readonly control: SystemControl;

  private constructor(config: SystemConfig, options: HarnessOptions) {
    this.config = config;
    this.bus = new Bus();
    if (options.onEvent) this.bus.subscribe(options.onEvent);
    this.system = new System({
      config,
      bus: this.bus,
      env: options.env ?? process.env,
      watch: options.watch ?? false,
      externalCaller: 'test',
      storeLimits: { history: options.keepEvents ?? 20_000 },
    });
    this.store = this.system.store;
    this.control = this.system.control;
  }

  /** Loads the config, starts the system and waits until every instance is ready. */
  static async start(options: HarnessOptions): Promise<Harness> {
    const loaded = await loadConfig(options.file);
    if (!loaded.ok) throw new Error(`devmode config:\n${formatDiagnostics(loaded.error, { color: false })}`);
    const harness = new Harness(loaded.value, options);
    try {
      const failures = await harness.system.start();
      if (failures.length > 0) throw new Error(`the system did not become ready:\n${describeFailures(failures)}`);
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  get gatewayUrl(): string {
    return this.system.addresses.gatewayUrl;
  }

  get locatorUrl(): string {
    return this.system.addresses.locatorUrl;
  }

  get kafkaBrokers(): string {
    return this.system.addresses.kafkaBrokers;
  }

  /** A URL for calling a service through the mesh as caller `test`. */
  serviceUrl(service: string): string {
    const url = this.system.externalServiceUrls.get(service);
    if (!url) throw new Error(`no service '${service}'`);
    return url;
  }

  /** Recent events (oldest first, as many as the Store keeps), optionally of one type. */
  events<T extends EventType>(type?: T): EventOf<T>[] {
    const out: EventOf<T>[] = [];
    for (const { event } of this.store.history()) if (type === undefined || event.type === type) out.push(event as EventOf<T>);
    return out;
  }

  /** The first event (already seen, from `since`, or coming) matching, or a timeout error listing what was seen. */
  waitFor<T extends EventType>(type: T, match: (event: EventOf<T>) => boolean = () => true, timeoutMs = 15_000, since = 0): Promise<EventOf<T>> {
    return this.store.waitForEvent(type, match, { timeout: timeoutMs, after: since, what: `a '${type}' event that matched` });
  }

  /** A cursor: pass it to waitFor as `since` to ignore events seen before now. */
  mark(): number {
    return this.store.lastSeq;
  }

  setFault(input: FaultRuleInput): Promise<FaultRuleView> {
    return this.control.setFault(input);
  }

  clearFault(id: string): Promise<boolean> {
    return this.control.clearFault(id);
  }

  clearFaults(): Promise<void> {
    return this.control.clearFaults();
  }

  /** Stops everything; idempotent. */
  async stop(): Promise<void> {
    await this.system.stop('harness');
  }
}
