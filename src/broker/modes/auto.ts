import type { KafkaConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import type { EmbeddedBroker } from '../embedded.js';
import type { Broker, BrokerMode } from './broker.js';
import { BrokerSetupError } from './broker-error.js';
import { ContainerBroker } from './container.js';
import { probeDocker } from './docker-probe.js';
import { EmbeddedModeBroker, type EmbeddedExtras } from './embedded-mode.js';
import { SwitchableIntrospection } from './switchable-introspection.js';
import { errorMessage } from './with-timeout.js';

/**
 * `kafka.mode: auto`: a real Kafka in a container when a Docker engine answers, else the
 * embedded broker. A container that fails to start (image pull, engine error) also falls
 * back to embedded: auto promises a working Kafka, and the reason line says what happened.
 * `mode`, `reason` and `bootstrap` settle when start() resolves.
 */
export class AutoBroker implements Broker {
  readonly introspection = new SwitchableIntrospection();
  readonly #config: KafkaConfig;
  readonly #publish: (event: DevmodeEvent) => void;
  readonly #probeTimeoutMs: number | undefined;
  readonly #embeddedOptions: EmbeddedExtras | undefined;
  #inner: ContainerBroker | EmbeddedModeBroker | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(config: KafkaConfig, publish: (event: DevmodeEvent) => void, options: { dockerProbeTimeoutMs?: number; embedded?: EmbeddedExtras } = {}) {
    this.#config = config;
    this.#publish = publish;
    this.#probeTimeoutMs = options.dockerProbeTimeoutMs;
    this.#embeddedOptions = options.embedded;
  }

  get mode(): BrokerMode {
    return this.#inner?.mode ?? 'embedded';
  }

  get reason(): string {
    return this.#inner?.reason ?? 'auto (not started)';
  }

  get bootstrap(): string {
    return this.#inner?.bootstrap ?? '';
  }

  /** The embedded broker when auto chose it. */
  get embedded(): EmbeddedBroker | undefined {
    return this.#inner instanceof EmbeddedModeBroker ? this.#inner.embedded : undefined;
  }

  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      if (this.#starting) await this.#starting.catch(() => {});
      await this.#inner?.stop();
    })();
    return this.#stopping;
  }

  async #start(): Promise<void> {
    const probe = await probeDocker({ timeoutMs: this.#probeTimeoutMs });
    if (this.#stopping) throw new Error('broker stopped before it started');
    if (!probe.available) {
      await this.#run(new EmbeddedModeBroker(this.#config, this.#publish, { reason: `embedded (no Docker engine: ${probe.reason})`, broker: this.#embeddedOptions }));
      return;
    }
    try {
      await this.#run(new ContainerBroker(this.#config, this.#publish, { probe }));
    } catch (error) {
      if (this.#stopping || !(error instanceof BrokerSetupError)) throw error;
      await this.#inner?.stop();
      const why = `embedded (Docker engine at ${probe.endpoint}, but the Kafka container failed: ${errorMessage(error)})`;
      await this.#run(new EmbeddedModeBroker(this.#config, this.#publish, { reason: why, broker: this.#embeddedOptions }));
    }
  }

  async #run(broker: ContainerBroker | EmbeddedModeBroker): Promise<void> {
    this.#inner = broker;
    this.introspection.target = broker.introspection;
    await broker.start();
  }
}
