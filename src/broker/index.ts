/**
 * The broker part's entry point for system/: build the Kafka the config asks for.
 * See modes/ for each mode and standalone.ts for `devmode kafka`.
 */
import type { KafkaConfig } from '../config/types.js';
import type { BrokerFaultState } from '../core/contracts.js';
import type { DevmodeEvent, InstanceRef } from '../core/events/index.js';
import type { EmbeddedBroker } from './embedded.js';
import { AutoBroker } from './modes/auto.js';
import type { Broker } from './modes/broker.js';
import { ContainerBroker } from './modes/container.js';
import { EmbeddedModeBroker } from './modes/embedded-mode.js';
import { ExternalBroker } from './modes/external.js';
import { unreachable } from '../util/unreachable.js';

export type { Broker, BrokerMode } from './modes/broker.js';
export { BrokerSetupError } from './modes/broker-error.js';
export { probeDocker, type DockerProbeResult } from './modes/docker-probe.js';
export { runStandalone, type StandaloneArgs, type StandaloneIo } from './standalone.js';

export interface BrokerDeps {
  /** where broker events go (the Bus's publish) */
  readonly publish: (event: DevmodeEvent) => void;
  /** how long auto and container modes wait for a Docker engine to answer (default 3000) */
  readonly dockerProbeTimeoutMs?: number;
  /** broker faults in force (the mesh's fault table); embedded mode only */
  readonly faults?: BrokerFaultState;
  /** which service instance owns a client process (embedded mode's attribution) */
  readonly pidToInstance?: (pid: number, pgid: number | undefined) => InstanceRef | undefined;
}

/** A Broker plus, in embedded mode, the broker object itself (for in-process callers). */
export type BrokerHandle = Broker & { readonly embedded?: EmbeddedBroker | undefined };

/**
 * Builds (does not start) the broker for `kafka.mode`. start() throws BrokerSetupError,
 * whose message is written for the user, when the mode cannot run here.
 */
export function createBroker(config: KafkaConfig, deps: BrokerDeps): BrokerHandle {
  switch (config.mode) {
    case 'auto':
      return new AutoBroker(config, deps.publish, { dockerProbeTimeoutMs: deps.dockerProbeTimeoutMs, embedded: embeddedExtras(deps) });
    case 'embedded':
      return new EmbeddedModeBroker(config, deps.publish, { broker: embeddedExtras(deps) });
    case 'container':
      return new ContainerBroker(config, deps.publish, { dockerProbeTimeoutMs: deps.dockerProbeTimeoutMs });
    case 'external':
      return new ExternalBroker(config, deps.publish);
    default:
      return unreachable(config.mode, 'kafka.mode');
  }
}

function embeddedExtras(deps: BrokerDeps) {
  return {
    ...(deps.faults ? { faults: deps.faults } : {}),
    ...(deps.pidToInstance ? { pidToInstance: deps.pidToInstance } : {}),
  };
}
