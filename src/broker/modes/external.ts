import type { KafkaConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import { AdminSession } from './admin-session.js';
import { BrokerBase } from './broker-base.js';
import { BrokerSetupError } from './broker-error.js';
import { assertReachable } from './reachability.js';
import { errorMessage } from './with-timeout.js';

/** How long a bootstrap server may take to accept a TCP connection. */
const REACH_TIMEOUT_MS = 3000;

/**
 * An existing Kafka cluster, given by its bootstrap servers (`kafka.brokers`). devmode
 * checks it answers, creates the declared topics it lacks, and reads it for the views;
 * it never stops or changes anything else there.
 */
export class ExternalBroker extends BrokerBase {
  readonly mode = 'external';
  readonly reason: string;
  readonly bootstrap: string;
  readonly introspection = new AdminSession();
  readonly #config: KafkaConfig;

  constructor(config: KafkaConfig, publish: (event: DevmodeEvent) => void) {
    super(publish);
    this.#config = config;
    this.bootstrap = config.brokers.join(',');
    this.reason = `external (kafka.brokers: ${this.bootstrap || 'none'})`;
  }

  protected async _open(): Promise<void> {
    await assertReachable(this.#config.brokers, REACH_TIMEOUT_MS);
    try {
      await this.introspection.open(this.#config.brokers, this.#config.topics, this._publish);
    } catch (error) {
      throw new BrokerSetupError(
        'E_UNREACHABLE',
        `Kafka at ${this.bootstrap} (external mode) answered, but setting it up failed: ${errorMessage(error)}; check kafka.brokers and kafka.topics in devmode.yaml`,
      );
    }
  }

  protected async _close(): Promise<void> {
    await this.introspection.close();
  }
}
