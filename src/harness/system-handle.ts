import path from 'node:path';
import type { FaultRuleInput, FaultRuleView, ProduceInput, SystemControl } from '../core/contracts.js';
import type { Store, StoreSnapshot } from '../core/store/index.js';
import { BrokerReader, type Message } from './broker-reader.js';
import { callDifferences, callMatches, callsIn, describeCall, describeCallMatch, type Call, type CallMatch } from './calls.js';
import { BEGINNING, type Cursor } from './cursor.js';
import { explainFailure, type Miss } from './explain.js';
import { FaultLedger, LeakedFaultError, type FaultHandle } from './faults.js';
import { describeMessage, describeMessageMatch, messageDifferences, type MessageMatch } from './messages.js';
import { TextRedactor } from './redact-text.js';
import { reportName, reportRoot, writeReport } from './report.js';
import { waitUntil } from './waits.js';

/** Where a system can be reached. */
export interface SystemUrls {
  /** the gateway: the way in from outside */
  gateway: string;
  /** the service locator */
  locator: string;
  /** the admin API (what `devmode status` and attached tests talk to) */
  admin: string;
  /** Kafka bootstrap servers, comma separated */
  kafka: string;
  /** per service, a URL that leads through the mesh as caller `test`, so the test's calls are recorded too */
  services: Readonly<Record<string, string>>;
}

/** What a handle runs on: a System in this process, or one attached through its admin API. */
export interface SystemBackend {
  readonly kind: 'local' | 'attached';
  readonly store: Store;
  readonly control: SystemControl;
  readonly urls: SystemUrls;
  /** the config's directory (reports go under it by default) */
  readonly root: string;
  /** the topics declared in the config (reset() leaves these) */
  readonly declaredTopics: readonly string[];
  /** literal secrets to redact from reports (values of sensitive environment variables) */
  readonly secrets: readonly string[];
  reload(service: string): Promise<void>;
  /** stop the system (local) or detach from it (attached) */
  close(): Promise<void>;
}

export interface HandleOptions {
  /** reports: on a failed test (default), always, or never */
  report?: 'on-failure' | 'always' | 'never';
  /** default $DEVMODE_REPORT_DIR, else <config dir>/.devmode/reports */
  reportDir?: string;
  /** default timeout of waits, ms (default 10,000) */
  waitTimeout?: number;
}

export interface WaitOptions {
  /** only what came after this cursor (default: the current test's start, else the beginning) */
  after?: Cursor;
  /** ms (default the handle's waitTimeout, 10,000) */
  timeout?: number;
  /** fail at once when an instance of one of these exits by itself (default: the call's ends, or every service) */
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface CountExpectation {
  /** exactly this many (default: at least one) */
  count?: number;
  min?: number;
  max?: number;
  after?: Cursor;
}

/** One test's recording: where it began, and where its report goes. */
interface TestScope {
  name: string;
  cursor: Cursor;
  reportDir: string;
}

/**
 * A running system as a test sees it: its URLs, its recorded calls and broker messages
 * (read from a cursor, so nothing is missed and nothing earlier counts), waits that fail
 * fast and explain themselves, faults that clear themselves, per-test reports, and stop().
 * The same API whether devmode runs in this process (startSystem) or elsewhere (attachSystem).
 */
export class DevmodeSystem implements AsyncDisposable {
  readonly #backend: SystemBackend;
  readonly #options: HandleOptions;
  readonly #reader: BrokerReader;
  readonly #faults = new FaultLedger();
  readonly #redactor: TextRedactor;
  #test: TestScope | undefined;
  #baseline: Cursor = BEGINNING;
  #stopping: Promise<void> | undefined;

  constructor(backend: SystemBackend, options: HandleOptions = {}) {
    this.#backend = backend;
    this.#options = options;
    this.#reader = new BrokerReader(backend.urls.kafka);
    this.#redactor = new TextRedactor(backend.secrets);
  }

  /** 'local' (started here) or 'attached' (running elsewhere) */
  get kind(): 'local' | 'attached' {
    return this.#backend.kind;
  }

  get urls(): SystemUrls {
    return this.#backend.urls;
  }

  /** The read model (services, logs, traffic, topics, faults): see core/store. */
  get store(): Store {
    return this.#backend.store;
  }

  /** The commands (restart, stop, faults, produce, ...): see core/contracts.ts. */
  get control(): SystemControl {
    return this.#backend.control;
  }

  snapshot(): StoreSnapshot {
    return this.#backend.store.getSnapshot();
  }

  /** The URL of a service through the mesh, as caller `test`. */
  url(service: string): string {
    const url = this.#backend.urls.services[service];
    if (url === undefined) {
      const known = Object.keys(this.#backend.urls.services);
      throw new Error(`no service '${service}' in this system${known.length ? `; it has ${known.join(', ')}` : ''}`);
    }
    return url;
  }

  restart(service: string): Promise<void> {
    return this.#backend.control.restart(service);
  }

  /** A hot reload (swap: the new version takes over when ready; no request fails). */
  reload(service: string): Promise<void> {
    return this.#backend.reload(service);
  }

  stopService(service: string): Promise<void> {
    return this.#backend.control.stop(service);
  }

  startService(service: string): Promise<void> {
    return this.#backend.control.start(service);
  }

  produce(message: ProduceInput): Promise<{ topic: string; partition: number; offset: number }> {
    return this.#backend.control.produce(message);
  }

  /** Now, as a point to wait from: the event position and every topic's end offsets. */
  async cursor(): Promise<Cursor> {
    const seq = this.#backend.store.lastSeq;
    const ts = Date.now();
    const offsets = await this.#reader.endOffsets();
    return Object.freeze({ seq, ts, offsets });
  }

  /** Recorded calls (HTTP exchanges, WebSockets opened) after the cursor, oldest first. */
  calls(match: CallMatch = {}, options: { after?: Cursor } = {}): Call[] {
    return callsIn(this.#backend.store.history(), this.#after(options.after)).filter((c) => callMatches(c, match));
  }

  /** A topic's messages after the cursor (partition by partition, oldest first in each). */
  async messages(topic: string, options: { after?: Cursor; match?: MessageMatch } = {}): Promise<Message[]> {
    const after = this.#after(options.after);
    const all = await this.#reader.read(topic, after.offsets.get(topic));
    return options.match === undefined ? all : all.filter((m) => messageDifferences(m, options.match).length === 0);
  }

  /**
   * The first call after the cursor that matches, already made or coming. Fails at once when
   * an instance of `from` or `to` exits by itself; on timeout lists the nearest misses.
   */
  waitForCall(match: CallMatch, options: WaitOptions = {}): Promise<Call> {
    const after = this.#after(options.after);
    const label = `waitForCall(${describeCallMatch(match)})`;
    const ends = [match.from, match.to].filter((s): s is string => s !== undefined && this.#isManaged(s));
    return waitUntil({
      store: this.#backend.store,
      label,
      check: () => callsIn(this.#backend.store.history(after.seq), after).find((c) => callMatches(c, match)),
      pollMs: null,
      timeoutMs: options.timeout ?? this.#options.waitTimeout ?? 10_000,
      services: options.services ?? ends,
      signal: options.signal,
      explain: async () => this.#explainCalls(match, after),
    });
  }

  /**
   * The first message on `topic` after the cursor that matches, read from the broker's log
   * from the cursor's offsets (no consumer group). Fails at once when a service exits by itself.
   */
  waitForMessage(topic: string, match?: MessageMatch, options: WaitOptions = {}): Promise<Message> {
    const after = this.#after(options.after);
    const label = `waitForMessage('${topic}', ${describeMessageMatch(match)})`;
    const from = new Map(after.offsets.get(topic) ?? []);
    return waitUntil({
      store: this.#backend.store,
      label,
      check: async () => {
        const read = await this.#reader.read(topic, from);
        const found = read.find((m) => messageDifferences(m, match).length === 0);
        if (found) return found;
        // read past what did not match, so a long wait does not read it again
        for (const m of read) from.set(m.partition, Math.max(from.get(m.partition) ?? 0, m.offset + 1));
        return undefined;
      },
      pollMs: 50,
      timeoutMs: options.timeout ?? this.#options.waitTimeout ?? 10_000,
      services: options.services ?? [],
      signal: options.signal,
      explain: async () => this.#explainMessages(topic, match, after),
    });
  }

  /** Asserts how many recorded calls after the cursor match (default: at least one), explaining a mismatch. */
  expectCalls(match: CallMatch, expectation: CountExpectation = {}): Call[] {
    const after = this.#after(expectation.after);
    const found = this.calls(match, { after });
    const problem = countProblem(found.length, expectation);
    if (problem) {
      const listed = found.slice(0, 10).map((c) => `  - ${describeCall(c)}`);
      throw new Error(`expectCalls(${describeCallMatch(match)}): ${problem}.${listed.length ? `\nMatching calls:\n${listed.join('\n')}` : ''}\n${this.#explainCalls(match, after)}`);
    }
    return found;
  }

  /** Asserts how many messages on `topic` after the cursor match (default: at least one). */
  async expectMessages(topic: string, match: MessageMatch | undefined, expectation: CountExpectation = {}): Promise<Message[]> {
    const after = this.#after(expectation.after);
    const found = await this.messages(topic, { after, ...(match ? { match } : {}) });
    const problem = countProblem(found.length, expectation);
    if (problem) {
      const listed = found.slice(0, 10).map((m) => `  - ${describeMessage(m)}`);
      throw new Error(`expectMessages('${topic}', ${describeMessageMatch(match)}): ${problem}.${listed.length ? `\nMatching messages:\n${listed.join('\n')}` : ''}\n${await this.#explainMessages(topic, match, after)}`);
    }
    return found;
  }

  /**
   * Sets a fault rule; the handle clears it (`await using fault = await system.fault(rule)`).
   * One still set when the test ends fails the test (see endTest).
   */
  fault(rule: FaultRuleInput): Promise<FaultHandle> {
    return this.#faults.set(this.#backend.control, this.#backend.store, rule, this.#test?.name ?? '');
  }

  /** Runs `fn` with the rule in force, and clears it however `fn` ends. */
  async withFault<T>(rule: FaultRuleInput, fn: (fault: FaultRuleView) => Promise<T> | T): Promise<T> {
    const handle = await this.fault(rule);
    try {
      return await fn(handle.rule);
    } finally {
      await handle.clear();
    }
  }

  /**
   * Between tests: faults set through this handle cleared and the recording restarted
   * (queries and waits without `after` see only what comes next). With `faults: 'all'`,
   * every run-time fault too; with `broker: true`, consumer groups without members and
   * topics the config does not declare are deleted. Those two touch what other test files
   * sharing the system may be using, so only a system of one's own should use them
   * (useSystem does for a system it started). Declared topics keep their log (the services
   * consume them): waits read them from a cursor, so older messages never match.
   */
  async reset(options: { faults?: 'own' | 'all'; broker?: boolean } = {}): Promise<void> {
    await this.#faults.clearAll();
    if (options.faults === 'all') {
      for (const f of this.snapshot().faults) if (f.source === 'runtime') await this.#backend.control.clearFault(f.id).catch(() => false);
    }
    if (options.broker) {
      const groups = await this.#reader.listGroups().catch(() => []);
      await this.#reader.deleteGroups(groups.filter((g) => g.members === 0).map((g) => g.groupId));
      const topics = [...(await this.#reader.endOffsets()).keys()];
      await this.#reader.deleteTopics(topics.filter((t) => !this.#backend.declaredTopics.includes(t)));
    }
    this.#baseline = await this.cursor();
  }

  /** Starts a test's recording: later queries and waits default to after this point. */
  async beginTest(name: string): Promise<Cursor> {
    const cursor = await this.cursor();
    const root = this.#options.reportDir ? path.resolve(this.#options.reportDir) : reportRoot(this.#backend.root);
    this.#test = { name, cursor, reportDir: path.join(root, reportName(name)) };
    return cursor;
  }

  /** The directory the current test's report goes to (written when it fails). */
  get reportDir(): string | undefined {
    return this.#test?.reportDir;
  }

  /**
   * Ends a test's recording: clears faults it left (and throws LeakedFaultError naming
   * them), and writes its report when it failed (or always, by option). Resolves with the
   * report's directory, if one was written.
   */
  async endTest(outcome: { failed: boolean; error?: unknown }): Promise<{ report: string | undefined }> {
    const test = this.#test;
    this.#test = undefined;
    // the report shows the faults as they were when the test ended: leaks are cleared after it
    const leaked = this.#faults.open().map((h) => h.rule);
    const failed = outcome.failed || leaked.length > 0;
    const mode = this.#options.report ?? 'on-failure';
    let report: string | undefined;
    if (test && mode !== 'never' && (failed || mode === 'always')) {
      const why = messageOf(outcome.error) ?? (leaked.length ? new LeakedFaultError(leaked, test.name).message : null);
      report = await this.writeReport(test.name, test.cursor, test.reportDir, failed ? (why ?? 'failed') : null);
    }
    await this.#faults.clearAll();
    if (leaked.length > 0) throw Object.assign(new LeakedFaultError(leaked, test?.name ?? ''), { report });
    return { report };
  }

  /** Writes a report of what happened after `cursor` (calls, messages per topic, logs, faults) into `dir`. */
  async writeReport(test: string, cursor: Cursor, dir: string, failure: string | null): Promise<string> {
    const messages = new Map<string, Message[]>();
    const topics = await this.#reader.endOffsets().catch(() => new Map<string, Map<number, number>>());
    for (const topic of topics.keys()) messages.set(topic, await this.#reader.read(topic, cursor.offsets.get(topic)).catch(() => []));
    return writeReport({ dir, test, failure, snapshot: this.snapshot(), calls: this.calls({}, { after: cursor }), messages, since: cursor.ts, redactor: this.#redactor });
  }

  /** Stops the system (or, when attached, detaches and leaves it running). Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#faults.clearAll();
      await this.#reader.close();
      await this.#backend.close();
    })();
    return this.#stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #after(after: Cursor | undefined): Cursor {
    return after ?? this.#test?.cursor ?? this.#baseline;
  }

  #isManaged(service: string): boolean {
    return this.snapshot().services.some((s) => s.name === service && s.kind === 'managed');
  }

  #explainCalls(match: CallMatch, after: Cursor): string {
    const calls = callsIn(this.#backend.store.history(after.seq), after);
    const misses: Miss[] = calls.map((c) => ({ text: describeCall(c), differences: callDifferences(c, match) }));
    const services = [match.from, match.to].filter((s): s is string => s !== undefined && this.#isManaged(s));
    return explainFailure({ misses, total: calls.length, noun: 'calls', snapshot: this.snapshot(), services, report: this.#test?.reportDir });
  }

  async #explainMessages(topic: string, match: MessageMatch | undefined, after: Cursor): Promise<string> {
    const read = await this.#reader.read(topic, after.offsets.get(topic)).catch(() => []);
    const misses: Miss[] = read.map((m) => ({ text: describeMessage(m), differences: messageDifferences(m, match) }));
    // the services that touch the topic (producers and consumers seen), else none
    const snapshot = this.snapshot();
    const involved = new Set<string>();
    for (const edge of snapshot.topology.observed) {
      if (edge.kind === 'produce' && edge.to === topic) involved.add(edge.from);
      if (edge.kind === 'consume' && edge.from === topic) for (const g of snapshot.broker.groups) if (g.groupId === edge.to) for (const s of g.services) involved.add(s);
    }
    return explainFailure({ misses, total: read.length, noun: `messages on '${topic}'`, snapshot, services: [...involved].filter((s) => this.#isManaged(s)), report: this.#test?.reportDir });
  }
}

function countProblem(found: number, e: CountExpectation): string | undefined {
  if (e.count !== undefined) return found === e.count ? undefined : `expected ${e.count}, found ${found}`;
  const min = e.min ?? (e.max === undefined ? 1 : 0);
  if (found < min) return `expected at least ${min}, found ${found}`;
  if (e.max !== undefined && found > e.max) return `expected at most ${e.max}, found ${found}`;
  return undefined;
}

/** An error's message: an Error, or an error as a test runner serialised it ({ message }), or a value. */
function messageOf(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  try {
    return String(error);
  } catch {
    return JSON.stringify(error);
  }
}
