/**
 * The embedded Kafka broker in a worker thread, driven from the main thread.
 *
 * Heavy Kafka traffic makes garbage (megabyte request frames and batch copies); in the main
 * isolate its collection paused every HTTP request of the gateway and the mesh for tens of
 * milliseconds. A worker has its own isolate and heap, so its GC pauses only the broker.
 * What crosses the thread boundary (messages.ts):
 *  - events: the worker sends the broker's events in small ordered batches; they are
 *    published here, on the main thread's `publish`;
 *  - introspection: request/response (WorkerIntrospection);
 *  - faults: the main thread's BrokerFaultState is followed here and mirrored there
 *    (FaultBridge, RemoteFaultState);
 *  - attribution: the worker finds a client's process through /proc and asks
 *    `pidToInstance` here which service instance it is.
 *
 * A worker that dies while running (a bug, out of memory) is reported through `onCrash`;
 * the rest of devmode keeps running, without a broker.
 */
import type { Worker } from 'node:worker_threads';
import type { BrokerFaultState, BrokerIntrospection } from '../../core/contracts.js';
import type { BrokerEvent } from '../../core/events/index.js';
import type { InstanceOfProcess } from '../attribution/types.js';
import { FaultBridge } from './fault-bridge.js';
import type { FromWorker, ToWorker, WorkerBrokerSettings } from './messages.js';
import { WorkerIntrospection } from './worker-introspection.js';
import { startBrokerWorker } from './worker-script.js';

export interface WorkerBrokerOptions extends Partial<Omit<WorkerBrokerSettings, 'faults' | 'attribution'>> {
  /** where the broker's events go, on the main thread */
  publish?: (event: BrokerEvent) => void;
  /** broker faults in force (the mesh's fault table) */
  faults?: BrokerFaultState;
  /** which service instance a client process is (turns on attribution through /proc) */
  pidToInstance?: InstanceOfProcess;
  /** the worker died while the broker was running (not called for a failed start) */
  onCrash?: (error: Error) => void;
}

/** start() failed: `code` EADDRINUSE when every port tried was busy; `port` the last one tried. */
export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
  readonly code: string | undefined;
  readonly port: number;
  constructor(message: string, code: string | undefined, port: number) {
    super(message);
    this.code = code;
    this.port = port;
  }
}

/** How long stop() waits for the broker to close before it ends the thread anyway. */
const STOP_TIMEOUT_MS = 10_000;

export class WorkerBroker {
  readonly #options: WorkerBrokerOptions;
  readonly #introspection = new WorkerIntrospection();
  readonly #publish: (event: BrokerEvent) => void;
  #worker: Worker | null = null;
  #faults: FaultBridge | null = null;
  #host: string;
  #port = 0;
  #running = false;
  #exited = false;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #onStarted: ((message: Extract<FromWorker, { type: 'started' | 'start-failed' }> | Error) => void) | null = null;
  #onStopped: (() => void) | null = null;

  constructor(options: WorkerBrokerOptions = {}) {
    this.#options = options;
    this.#host = options.host ?? '127.0.0.1';
    const publish = options.publish ?? (() => {});
    this.#publish = (event) => {
      try {
        publish(event);
      } catch {
        // a failing view must not stop the events after it
      }
    };
  }

  /** "host:port", valid after start(). */
  get bootstrap(): string {
    return `${this.#host}:${this.#port}`;
  }

  /** The bound port (0 before start). */
  get port(): number {
    return this.#port;
  }

  /** Topics, groups and recent records, asked of the worker. */
  get introspection(): BrokerIntrospection {
    return this.#introspection;
  }

  /** Whether the broker runs (started, not stopped, not crashed). */
  get running(): boolean {
    return this.#running;
  }

  /** Starts the thread and its broker; rejects with WorkerStartError (busy port, bad data dir, ...). */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /** Stops the broker, then ends the thread; nothing is left listening. Idempotent, safe during start(). */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Tests only: makes the worker throw an uncaught error, as a bug in the broker would. */
  crashForTesting(): void {
    this.#send({ type: 'crash' });
  }

  async #start(): Promise<void> {
    if (this.#stopping) throw new Error('the embedded Kafka broker was stopped before it started');
    const o = this.#options;
    const faultAnswer = new SharedArrayBuffer(8);
    if (o.faults) this.#faults = new FaultBridge(o.faults, faultAnswer, (snapshot) => this.#send({ type: 'faults', snapshot }));
    const settings: WorkerBrokerSettings = {
      host: this.#host,
      port: o.port ?? 9092,
      portProbes: o.portProbes ?? 0,
      dataDir: o.dataDir ?? null,
      ...(o.autoCreateTopics !== undefined ? { autoCreateTopics: o.autoCreateTopics } : {}),
      ...(o.defaultPartitions !== undefined ? { defaultPartitions: o.defaultPartitions } : {}),
      ...(o.topics ? { topics: o.topics.map((t) => ({ name: t.name, partitions: t.partitions, ...(t.configs ? { configs: { ...t.configs } } : {}) })) } : {}),
      ...(o.topicDefaults ? { topicDefaults: { ...o.topicDefaults } } : {}),
      ...(o.retentionBytes !== undefined ? { retentionBytes: o.retentionBytes } : {}),
      ...(o.retentionMs !== undefined ? { retentionMs: o.retentionMs } : {}),
      ...(o.maxRequestBytes !== undefined ? { maxRequestBytes: o.maxRequestBytes } : {}),
      ...(o.maxMessageBytes !== undefined ? { maxMessageBytes: o.maxMessageBytes } : {}),
      ...(o.initialRebalanceDelayMs !== undefined ? { initialRebalanceDelayMs: o.initialRebalanceDelayMs } : {}),
      faults: o.faults !== undefined,
      attribution: o.pidToInstance !== undefined,
    };
    const started = new Promise<Extract<FromWorker, { type: 'started' | 'start-failed' }> | Error>((resolve) => (this.#onStarted = resolve));
    const worker = startBrokerWorker({ settings, faultAnswer, faultSnapshot: this.#faults?.snapshot() ?? null });
    this.#worker = worker;
    worker.on('message', (message: FromWorker) => this.#receive(message));
    worker.on('error', (error) => this.#died(error));
    worker.on('exit', (code) => this.#died(new Error(`the broker's worker thread exited with code ${code}`)));
    const outcome = await started;
    this.#onStarted = null;
    if (outcome instanceof Error) throw new WorkerStartError(outcome.message, undefined, settings.port);
    if (outcome.type === 'start-failed') throw new WorkerStartError(outcome.message, outcome.code, outcome.port);
    this.#port = outcome.port;
    if (this.#stopping) throw new Error('the embedded Kafka broker was stopped while starting');
    this.#running = true;
    this.#introspection.connect((id, query) => this.#send({ type: 'introspect', id, query }));
  }

  async #stop(): Promise<void> {
    await this.#starting?.catch(() => {});
    this.#running = false;
    this.#introspection.connect(null);
    this.#faults?.close();
    const worker = this.#worker;
    if (!worker || this.#exited) return;
    const stopped = new Promise<void>((resolve) => (this.#onStopped = resolve));
    this.#send({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    // the thread ends by itself once stopped; terminate() makes sure and waits for its exit
    await worker.terminate();
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'events':
        for (const event of message.events) this.#publish(event);
        break;
      case 'started':
      case 'start-failed':
        this.#onStarted?.(message);
        break;
      case 'introspected':
        this.#introspection.settle(message.id, message.result, message.error);
        break;
      case 'fault-question':
        if (this.#faults) this.#faults.answer(message.id, message.question);
        break;
      case 'instance-of':
        this.#answerInstance(message.id, message.pid, message.pgid);
        break;
      case 'stopped':
        this.#onStopped?.();
        break;
    }
  }

  #answerInstance(id: number, pid: number, pgid: number | undefined): void {
    let instance: { service: string; instance: number } | null = null;
    try {
      const found = this.#options.pidToInstance?.(pid, pgid);
      if (found) instance = { service: found.service, instance: found.instance };
    } catch {
      // an unknown process, as in process
    }
    this.#send({ type: 'instance', id, instance });
  }

  /** The thread ended ('error' then 'exit' for an uncaught error; 'exit' alone otherwise). */
  #died(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#onStopped?.();
    this.#onStarted?.(error);
    this.#introspection.connect(null);
    this.#faults?.close();
    const wasRunning = this.#running;
    this.#running = false;
    if (wasRunning && !this.#stopping) this.#options.onCrash?.(error);
  }

  #send(message: ToWorker): void {
    if (this.#exited) return;
    this.#worker?.postMessage(message);
  }
}
