import type { KafkaConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import { AdminSession } from './admin-session.js';
import { BrokerBase } from './broker-base.js';
import { BrokerSetupError } from './broker-error.js';
import { probeDocker, type DockerProbeResult } from './docker-probe.js';
import { errorMessage } from './with-timeout.js';

/** The container's PLAINTEXT listener for clients on the host (see @testcontainers/kafka). */
const KAFKA_PORT = 9093;

/** The part of a StartedKafkaContainer this file uses. */
interface RunningContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}

export interface ContainerBrokerOptions {
  /** a probe already made (auto mode), to avoid asking the engine twice */
  readonly probe?: DockerProbeResult & { available: true };
  readonly dockerProbeTimeoutMs?: number;
}

/**
 * A real Kafka in a container, through @testcontainers/kafka 12. Testcontainers' reaper
 * removes the container if devmode dies without calling stop().
 */
export class ContainerBroker extends BrokerBase {
  readonly mode = 'container';
  readonly introspection = new AdminSession();
  readonly #config: KafkaConfig;
  readonly #options: ContainerBrokerOptions;
  #container: RunningContainer | undefined;
  #bootstrap = '';
  #reason: string;

  constructor(config: KafkaConfig, publish: (event: DevmodeEvent) => void, options: ContainerBrokerOptions = {}) {
    super(publish);
    this.#config = config;
    this.#options = options;
    this.#reason = `container (image ${config.image})`;
  }

  get reason(): string {
    return this.#reason;
  }

  get bootstrap(): string {
    return this.#bootstrap;
  }

  protected async _open(): Promise<void> {
    const probe = this.#options.probe ?? (await probeDocker({ timeoutMs: this.#options.dockerProbeTimeoutMs }));
    if (!probe.available) {
      throw new BrokerSetupError(
        'E_NO_DOCKER',
        `kafka.mode is container but no Docker engine answered (${probe.reason}); start Docker, or set kafka.mode to embedded or auto in devmode.yaml`,
      );
    }
    this.#reason = `container (Docker engine at ${probe.endpoint}, image ${this.#config.image})`;
    const container = await this.#startContainer();
    this.#container = container;
    this.#bootstrap = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
    if (this._stopRequested) return;
    try {
      await this.introspection.open([this.#bootstrap], this.#config.topics, this._publish);
    } catch (error) {
      throw new BrokerSetupError(
        'E_CONTAINER',
        `the Kafka container started at ${this.#bootstrap} but setting it up failed: ${errorMessage(error)}; check kafka.topics in devmode.yaml, or set kafka.mode to embedded`,
      );
    }
  }

  protected async _close(): Promise<void> {
    await this.introspection.close();
    const container = this.#container;
    this.#container = undefined;
    await container?.stop().catch(() => {});
  }

  async #startContainer(): Promise<RunningContainer> {
    const image = this.#config.image;
    try {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = new KafkaContainer(image);
      // cp-kafka 8+ runs KRaft by itself; 7.x needs asking, below 7 only ZooKeeper exists
      if (imageMajorVersion(image) === 7) container.withKraft();
      return await container.start();
    } catch (error) {
      throw new BrokerSetupError(
        'E_CONTAINER',
        `could not start the Kafka container (image ${image}): ${errorMessage(error)}; check the image name in kafka.image and that Docker can pull it, or set kafka.mode to embedded in devmode.yaml`,
      );
    }
  }
}

/** The major version in an image tag such as confluentinc/cp-kafka:7.9.1 (undefined for latest). */
export function imageMajorVersion(image: string): number | undefined {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  const match = /^v?(\d+)\./.exec(tag);
  return match ? Number(match[1]) : undefined;
}
