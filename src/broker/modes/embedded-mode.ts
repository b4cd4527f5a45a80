import type { KafkaConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from '../embedded.js';
import { EmbeddedIntrospection } from '../introspection.js';
import { BrokerBase } from './broker-base.js';
import { BrokerSetupError } from './broker-error.js';
import { SwitchableIntrospection } from './switchable-introspection.js';
import { errorMessage } from './with-timeout.js';
import { WorkerBroker, WorkerStartError } from '../worker/worker-broker.js';

/** Kafka's usual port, which the embedded broker takes when kafka.port is not set. */
export const DEFAULT_KAFKA_PORT = 9092;
/** How many ports past 9092 to try when kafka.port is not set and 9092 is busy. */
const PORT_PROBES = 20;

/** What system/ adds to the embedded broker beyond the config: fault hooks, attribution. */
export type EmbeddedExtras = Pick<EmbeddedBrokerOptions, 'faults' | 'pidToInstance'>;

export interface EmbeddedModeOptions {
  /** the line saying why this mode runs (auto mode says why it fell back) */
  readonly reason?: string;
  readonly broker?: EmbeddedExtras | undefined;
  /**
   * Run the broker on the main thread instead of a worker thread (for debugging: one
   * isolate, one profile). Also on when the environment has DEVMODE_BROKER_IN_PROCESS=1.
   */
  readonly inProcess?: boolean;
}

/**
 * devmode's own Kafka-protocol broker. With kafka.port unset it takes 9092, or the next
 * free port after it; an explicit port that is busy is an error.
 *
 * It runs in a worker thread (WorkerBroker), so heavy Kafka traffic never pauses the
 * gateway, the mesh or the UI; events, introspection, faults and attribution cross over.
 * A crash of that thread is published as a `system.notice` (level error, source 'broker')
 * and leaves the rest of devmode running. `inProcess` (or DEVMODE_BROKER_IN_PROCESS=1)
 * keeps it on the main thread.
 */
export class EmbeddedModeBroker extends BrokerBase {
  readonly mode = 'embedded';
  readonly reason: string;
  readonly introspection = new SwitchableIntrospection();
  readonly #config: KafkaConfig;
  readonly #extras: EmbeddedExtras | undefined;
  /** in process only: the broker on this thread */
  #broker: EmbeddedBroker | undefined;
  /** by default: the broker in a worker thread */
  readonly #worker: WorkerBroker | undefined;

  constructor(config: KafkaConfig, publish: (event: DevmodeEvent) => void, options: EmbeddedModeOptions = {}) {
    super(publish);
    this.#config = config;
    this.reason = options.reason ?? 'embedded (kafka.mode: embedded)';
    this.#extras = options.broker;
    const inProcess = options.inProcess ?? process.env['DEVMODE_BROKER_IN_PROCESS'] === '1';
    if (inProcess) {
      this.#broker = this.#create(config.port ?? DEFAULT_KAFKA_PORT);
      this.introspection.target = new EmbeddedIntrospection(this.#broker);
    } else {
      this.#worker = this.#createWorker();
      this.introspection.target = this.#worker.introspection;
    }
  }

  /** The broker itself when it runs in this process (inProcess), for in-process callers. */
  get embedded(): EmbeddedBroker | undefined {
    return this.#broker;
  }

  /** The worker-thread broker (the default), e.g. for tests. */
  get worker(): WorkerBroker | undefined {
    return this.#worker;
  }

  get bootstrap(): string {
    return this.#worker?.bootstrap ?? this.#broker?.bootstrap ?? '';
  }

  protected async _open(): Promise<void> {
    if (this.#worker) return this.#openWorker(this.#worker);
    const fixed = this.#config.port !== null;
    let port = this.#config.port ?? DEFAULT_KAFKA_PORT;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#broker!.start();
        return;
      } catch (error) {
        if (!isAddressInUse(error)) throw couldNotStart(error);
        if (fixed || attempt + 1 >= PORT_PROBES) throw this.#portInUse(port);
        await this.#broker!.stop().catch(() => {});
        port += 1;
        this.#broker = this.#create(port);
        this.introspection.target = new EmbeddedIntrospection(this.#broker);
      }
    }
  }

  async #openWorker(worker: WorkerBroker): Promise<void> {
    try {
      await worker.start();
    } catch (error) {
      if (error instanceof WorkerStartError && error.code === 'EADDRINUSE') throw this.#portInUse(error.port);
      throw couldNotStart(error);
    }
  }

  protected async _close(): Promise<void> {
    await this.#worker?.stop();
    await this.#broker?.stop();
  }

  #portInUse(lastPort: number): BrokerSetupError {
    const where = this.#config.port !== null ? `kafka.port ${lastPort} in devmode.yaml` : `ports ${DEFAULT_KAFKA_PORT}-${lastPort}`;
    return new BrokerSetupError('E_PORT_IN_USE', `cannot start the embedded Kafka: ${where} in use on ${this.#config.host}; free it or set kafka.port to a free port`);
  }

  #createWorker(): WorkerBroker {
    const c = this.#config;
    return new WorkerBroker({
      ...this.#extras,
      host: c.host,
      port: c.port ?? DEFAULT_KAFKA_PORT,
      portProbes: c.port === null ? PORT_PROBES - 1 : 0,
      dataDir: c.dataDir ?? null,
      autoCreateTopics: c.autoCreateTopics,
      defaultPartitions: c.defaultPartitions,
      topics: [...c.topics],
      retentionBytes: c.retentionBytes,
      retentionMs: c.retentionMs,
      topicDefaults: c.topicConfig ?? {},
      publish: (event) => {
        if (event.type !== 'broker.started' && event.type !== 'broker.stopped') this._publish(event);
      },
      onCrash: (error) =>
        this._publish({
          type: 'system.notice',
          level: 'error',
          source: 'broker',
          message: `the embedded Kafka broker stopped: its worker thread crashed (${errorMessage(error)}); Kafka clients cannot connect until devmode is restarted (set DEVMODE_BROKER_IN_PROCESS=1 to run it on the main thread and see the stack)`,
          ts: Date.now(),
        }),
    });
  }

  #create(port: number): EmbeddedBroker {
    const c = this.#config;
    return new EmbeddedBroker({
      ...this.#extras,
      host: c.host,
      port,
      dataDir: c.dataDir ?? undefined,
      autoCreateTopics: c.autoCreateTopics,
      defaultPartitions: c.defaultPartitions,
      topics: c.topics,
      retentionBytes: c.retentionBytes,
      retentionMs: c.retentionMs,
      topicDefaults: c.topicConfig ?? {},
      // broker.started/stopped come from BrokerBase, with the mode's reason
      publish: (event) => {
        if (event.type !== 'broker.started' && event.type !== 'broker.stopped') this._publish(event);
      },
    });
  }
}

function couldNotStart(error: unknown): BrokerSetupError {
  return new BrokerSetupError('E_BROKER', `the embedded Kafka broker could not start: ${errorMessage(error)}`);
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' || /EADDRINUSE/.test(errorMessage(error));
}
