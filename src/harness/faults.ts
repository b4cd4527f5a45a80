import type { FaultRuleInput, FaultRuleView, SystemControl } from '../core/contracts.js';
import type { Store } from '../core/store/index.js';

/** How long set/clear wait for the Store to show the change (an attached Store hears of it over the network). */
const SEEN_TIMEOUT_MS = 5_000;

/** Resolves once the Store shows the rule in force (present) or gone (absent). */
function seen(store: Store, id: string, present: boolean): Promise<unknown> {
  return store.waitFor((s) => s.faults.some((f) => f.id === id) === present, { timeout: SEEN_TIMEOUT_MS, what: `fault ${id} to be ${present ? 'set' : 'cleared'} in the Store` }).catch(() => undefined);
}

/**
 * A fault rule a test set. Clear it with `clear()`, or let `await using` do it when the
 * block ends however it ends. One still set when its test ends is a leak: endTest() clears
 * it and fails (a fault outliving its test would change the next test's outcome).
 */
export class FaultHandle implements AsyncDisposable {
  readonly #control: SystemControl;
  readonly #store: Store;
  readonly #onCleared: (handle: FaultHandle) => void;
  #cleared: Promise<void> | undefined;

  constructor(
    control: SystemControl,
    store: Store,
    /** the rule as in force */
    readonly rule: FaultRuleView,
    /** the test that set it ('' outside a test) */
    readonly test: string,
    onCleared: (handle: FaultHandle) => void,
  ) {
    this.#control = control;
    this.#store = store;
    this.#onCleared = onCleared;
  }

  get id(): string {
    return this.rule.id;
  }

  get cleared(): boolean {
    return this.#cleared !== undefined;
  }

  /** Removes the rule; idempotent. */
  clear(): Promise<void> {
    this.#cleared ??= (async () => {
      this.#onCleared(this);
      const cleared = await this.#control.clearFault(this.rule.id).catch((error: unknown) => {
        // a stopped system has no faults left to clear
        if (!(error instanceof Error && /stopping|stopped|ECONNREFUSED|fetch failed/i.test(error.message))) throw error;
        return false;
      });
      if (cleared) await seen(this.#store, this.rule.id, false);
    })();
    return this.#cleared;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.clear();
  }
}

/** Faults set through one system handle and not yet cleared, by id. */
export class FaultLedger {
  readonly #open = new Map<string, FaultHandle>();
  #counter = 0;

  /** an id for a rule that has none: stable per run, so a seeded run repeats */
  nextId(): string {
    return `test-fault-${++this.#counter}`;
  }

  /** Sets the rule and resolves once the Store shows it, so what a test reads next agrees. */
  async set(control: SystemControl, store: Store, input: FaultRuleInput, test: string): Promise<FaultHandle> {
    const rule = await control.setFault({ ...input, id: input.id ?? this.nextId() });
    await seen(store, rule.id, true);
    const handle = new FaultHandle(control, store, rule, test, (h) => {
      if (this.#open.get(h.id) === h) this.#open.delete(h.id);
    });
    this.#open.set(rule.id, handle);
    return handle;
  }

  /** The handles not cleared yet. */
  open(): FaultHandle[] {
    return [...this.#open.values()];
  }

  /** Clears every open handle and returns them (the leaks, when called at a test's end). */
  async clearAll(): Promise<FaultHandle[]> {
    const open = [...this.#open.values()];
    await Promise.all(open.map((h) => h.clear().catch(() => {})));
    return open;
  }
}

/** A fault that outlived the test that set it. */
export class LeakedFaultError extends Error {
  constructor(readonly faults: readonly FaultRuleView[], test: string) {
    super(
      `${faults.length === 1 ? 'a fault' : `${faults.length} faults`} set in ${test ? `test '${test}'` : 'a test'} ${faults.length === 1 ? 'was' : 'were'} still in force when it ended: ${faults.map((f) => `${f.id} (${f.caller} -> ${f.callee}: ${f.action})`).join(', ')}. ` +
        'devmode cleared it now; clear faults in the test: `await using fault = await system.fault(rule)` or `await system.withFault(rule, async () => { ... })`.',
    );
    this.name = 'LeakedFaultError';
  }
}
