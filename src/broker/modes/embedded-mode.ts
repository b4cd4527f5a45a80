import type { KafkaConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from '../embedded.js';
import { EmbeddedIntrospection } from '../introspection.js';
import { BrokerBase } from './broker-base.js';
import { BrokerSetupError } from './broker-error.js';
import { SwitchableIntrospection } from './switchable-introspection.js';
import { errorMessage } from './with-timeout.js';

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
}

/**
 * devmode's own Kafka-protocol broker, in this process. With kafka.port unset it takes
 * 9092, or the next free port after it; an explicit port that is busy is an error.
 */
export class EmbeddedModeBroker extends BrokerBase {
  readonly mode = 'embedded';
  readonly reason: string;
  readonly introspection = new SwitchableIntrospection();
  readonly #config: KafkaConfig;
  readonly #extras: EmbeddedExtras | undefined;
  #broker: EmbeddedBroker;

  constructor(config: KafkaConfig, publish: (event: DevmodeEvent) => void, options: EmbeddedModeOptions = {}) {
    super(publish);
    this.#config = config;
    this.reason = options.reason ?? 'embedded (kafka.mode: embedded)';
    this.#extras = options.broker;
    this.#broker = this.#create(config.port ?? DEFAULT_KAFKA_PORT);
    this.introspection.target = new EmbeddedIntrospection(this.#broker);
  }

  /** The broker itself, for in-process callers (tests, the harness). */
  get embedded(): EmbeddedBroker {
    return this.#broker;
  }

  get bootstrap(): string {
    return this.#broker.bootstrap;
  }

  protected async _open(): Promise<void> {
    const fixed = this.#config.port !== null;
    let port = this.#config.port ?? DEFAULT_KAFKA_PORT;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#broker.start();
        return;
      } catch (error) {
        if (!isAddressInUse(error)) {
          throw new BrokerSetupError('E_BROKER', `the embedded Kafka broker could not start: ${errorMessage(error)}`);
        }
        if (fixed || attempt + 1 >= PORT_PROBES) {
          const where = fixed ? `kafka.port ${port} in devmode.yaml` : `ports ${DEFAULT_KAFKA_PORT}-${port}`;
          throw new BrokerSetupError('E_PORT_IN_USE', `cannot start the embedded Kafka: ${where} in use on ${this.#config.host}; free it or set kafka.port to a free port`);
        }
        await this.#broker.stop().catch(() => {});
        port += 1;
        this.#broker = this.#create(port);
        this.introspection.target = new EmbeddedIntrospection(this.#broker);
      }
    }
  }

  protected async _close(): Promise<void> {
    await this.#broker.stop();
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
      // broker.started/stopped come from BrokerBase, with the mode's reason
      publish: (event) => {
        if (event.type !== 'broker.started' && event.type !== 'broker.stopped') this._publish(event);
      },
    });
  }
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE' || /EADDRINUSE/.test(errorMessage(error));
}
