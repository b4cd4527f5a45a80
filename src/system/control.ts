import { BROKER_DOWN_RULE, type CallHeadersView, type CapturedView, type FaultRuleInput, type FaultRuleView, type ProduceInput, type RecordView, type SystemControl } from '../core/contracts.js';
import { suggest } from '../util/suggest.js';

/** The mesh's fault table as the commands use it. */
export interface FaultTableView {
  set(rule: FaultRuleInput): FaultRuleView;
  clear(id: string): boolean;
  clearAll(): void;
  list(): FaultRuleView[];
}

/** The pieces of a running system the commands act on; a missing one makes its commands refuse. */
export interface SystemCommandsDeps {
  /** every service the system knows now (config order, then registered at run time) */
  services(): readonly { name: string; kind: 'managed' | 'unmanaged'; url: string | null }[];
  restart(service: string): Promise<void>;
  stop(service: string): Promise<void>;
  start(service: string): Promise<void>;
  /** the fault table once the system has started */
  faults(): FaultTableView | undefined;
  /** the mesh's body capture */
  capture?: {
    enable(target?: { caller?: string; callee?: string }): void;
    disable(target?: { caller?: string; callee?: string }): void;
    enabled(): { caller: string; callee: string }[];
    list(): unknown[];
  };
  /** every recent call's headers (the mesh's HeaderRing) */
  headers?: { get(id: string): CallHeadersView | null };
  recentRecords?(topic: string, partition: number, limit: number): Promise<RecordView[]>;
  produce?(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }>;
}

/** A command named a service the system does not have (the admin API answers 404). */
export class UnknownServiceError extends Error {
  readonly userError = true;
  readonly status = 404;
  readonly hint: string;
  constructor(service: string, known: readonly string[]) {
    super(`there is no service named "${service}"`);
    this.name = 'UnknownServiceError';
    const near = suggest(service, known);
    this.hint = near ? `did you mean "${near}"?` : known.length > 0 ? `services: ${known.join(', ')}` : 'the system has no services';
  }
}

/** A command the system cannot carry out as configured (no fault table, an unmanaged service). */
export class CommandRefusedError extends Error {
  readonly userError = true;
  readonly status: number;
  readonly hint: string;
  constructor(message: string, hint: string, status = 409) {
    super(message);
    this.name = 'CommandRefusedError';
    this.status = status;
    this.hint = hint;
  }
}

/**
 * The commands views use (SystemControl), over narrow, injected views of the parts so they
 * can be tested without a whole system. What views read comes from the Store.
 */
export class SystemCommands implements SystemControl {
  readonly #deps: SystemCommandsDeps;

  constructor(deps: SystemCommandsDeps) {
    this.#deps = deps;
  }

  async restart(service: string): Promise<void> {
    this.#managed(service, 'restart');
    await this.#deps.restart(service);
  }

  async stop(service: string): Promise<void> {
    this.#managed(service, 'stop');
    await this.#deps.stop(service);
  }

  async start(service: string): Promise<void> {
    this.#managed(service, 'start');
    await this.#deps.start(service);
  }

  async setFault(rule: FaultRuleInput): Promise<FaultRuleView> {
    return this.#faults().set(rule);
  }

  async clearFault(id: string): Promise<boolean> {
    return this.#deps.faults()?.clear(id) ?? false;
  }

  async clearFaults(): Promise<void> {
    this.#deps.faults()?.clearAll();
  }

  async brokerDown(): Promise<FaultRuleView> {
    return this.#faults().set({ id: BROKER_DOWN_RULE, callee: 'kafka', broker: { down: true } });
  }

  async brokerUp(): Promise<void> {
    this.#deps.faults()?.clear(BROKER_DOWN_RULE);
  }

  async produce(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }> {
    if (!this.#deps.produce) throw new CommandRefusedError('this devmode has no broker to produce to', 'start the system (devmode up) first', 503);
    return this.#deps.produce(message);
  }

  async recentRecords(topic: string, partition: number, limit: number): Promise<RecordView[]> {
    if (!this.#deps.recentRecords) return [];
    return this.#deps.recentRecords(topic, partition, limit);
  }

  async captureOn(target: { caller?: string; callee?: string }): Promise<void> {
    if (!this.#deps.capture) throw new CommandRefusedError('body capture is not available in this system', 'it needs the mesh (devmode up)');
    this.#deps.capture.enable(target);
  }

  async captureOff(target?: { caller?: string; callee?: string }): Promise<void> {
    this.#deps.capture?.disable(target);
  }

  async captured(): Promise<CapturedView> {
    return { enabled: this.#deps.capture?.enabled() ?? [], exchanges: this.#deps.capture?.list() ?? [] };
  }

  async callHeaders(id: string): Promise<CallHeadersView | null> {
    return this.#deps.headers?.get(id) ?? null;
  }

  #faults(): FaultTableView {
    const faults = this.#deps.faults();
    if (!faults) throw new CommandRefusedError('fault injection is not available yet', 'faults need the mesh: wait until the system has started', 503);
    return faults;
  }

  /** The service, which must be one devmode runs; throws a user error otherwise. */
  #managed(service: string, verb: string): void {
    const services = this.#deps.services();
    const entry = services.find((s) => s.name === service);
    if (!entry) throw new UnknownServiceError(service, services.map((s) => s.name));
    if (entry.kind === 'unmanaged') {
      throw new CommandRefusedError(`${service} is not started by devmode${entry.url ? ` (it runs at ${entry.url})` : ''}, so devmode cannot ${verb} it`, `${verb} it where it runs`);
    }
  }
}
