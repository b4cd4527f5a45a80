import type { BrokerIntrospection } from '../../core/contracts.js';

/** Which Kafka devmode is running for the services. */
export type BrokerMode = 'embedded' | 'container' | 'external';

/**
 * A running Kafka for the services, whatever its mode. system/ starts it before the
 * services (they get `bootstrap` as KAFKA_BROKERS) and stops it after them.
 */
export interface Broker {
  /** fixed for explicit modes; in auto mode settled when start() resolves ('embedded' until then) */
  readonly mode: BrokerMode;
  /** one line: the mode and why it was chosen (also the `broker.started` event's reason) */
  readonly reason: string;
  /** "host:port[,host:port]"; valid once start() resolved */
  readonly bootstrap: string;
  readonly introspection: BrokerIntrospection;
  /** Throws BrokerSetupError (message written for the user) when the broker cannot run. */
  start(): Promise<void>;
  /** Idempotent, safe during start(). */
  stop(): Promise<void>;
}
