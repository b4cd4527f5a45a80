import type { KafkaConfig } from '../config/types.js';
import type { DevmodeEvent } from '../core/events/index.js';
import { BrokerSetupError } from './modes/broker-error.js';
import { DEFAULT_KAFKA_PORT, EmbeddedModeBroker } from './modes/embedded-mode.js';
import { errorMessage } from './modes/with-timeout.js';
import { clientProblemText } from '../util/client-problem-text.js';
import { terminalSafe } from '../util/terminal-safe.js';

/** `devmode kafka` options, as parsed by the CLI. */
export interface StandaloneArgs {
  /** default 9092; a busy port is an error (the user asked for a known address) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** null or absent: in memory */
  dataDir?: string | null;
  /** partitions of auto-created topics (default 1) */
  partitions?: number;
}

export interface StandaloneIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** aborting it stops the broker (the CLI aborts on SIGINT/SIGTERM) */
  signal: AbortSignal;
}

/** Same retention defaults as devmode.yaml's kafka.retention. */
const RETENTION_BYTES = 256 * 1024 * 1024;
const RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * `devmode kafka`: only the embedded broker, for trying a client against it or for a
 * system devmode does not run. Prints one line when ready and one per topic creation,
 * group rebalance and client problem (bounded, escaped); stops cleanly when `signal` aborts. Resolves with the exit code.
 */
export async function runStandalone(args: StandaloneArgs, io: StandaloneIo): Promise<number> {
  const config: KafkaConfig = {
    mode: 'embedded',
    host: args.host ?? '127.0.0.1',
    port: args.port ?? DEFAULT_KAFKA_PORT,
    brokers: [],
    image: '',
    dataDir: args.dataDir ?? null,
    autoCreateTopics: true,
    defaultPartitions: args.partitions ?? 1,
    topics: [],
    retentionBytes: RETENTION_BYTES,
    retentionMs: RETENTION_MS,
  };
  // topic and group names and client ids come from any local Kafka client
  const line = (text: string) => io.stdout.write(`${terminalSafe(text)}\n`);
  const broker = new EmbeddedModeBroker(config, (event) => {
    const text = describe(event);
    if (text) line(text);
  }, { reason: 'embedded (devmode kafka)' });

  if (io.signal.aborted) return 0;
  const stopped = new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await Promise.race([broker.start(), stopped]);
  } catch (error) {
    await broker.stop().catch(() => {});
    io.stderr.write(`devmode kafka: ${startFailure(error, config)}\n`);
    return 1;
  }
  if (!io.signal.aborted) {
    const where = config.dataDir === null ? 'in memory' : `data in ${config.dataDir}`;
    line(`kafka ready on ${broker.bootstrap} (embedded, ${where})`);
    await stopped;
  }
  try {
    await broker.stop();
  } catch (error) {
    io.stderr.write(`devmode kafka: stopping the broker failed: ${errorMessage(error)}\n`);
    return 1;
  }
  return 0;
}

function startFailure(error: unknown, config: KafkaConfig): string {
  if (error instanceof BrokerSetupError && error.code === 'E_PORT_IN_USE') {
    return `port ${config.port} is in use on ${config.host}; stop what uses it or pass --port N`;
  }
  return errorMessage(error);
}

function describe(event: DevmodeEvent): string | undefined {
  switch (event.type) {
    case 'broker.topic.created':
      return `topic ${event.topic} created (${event.partitions} partition${event.partitions === 1 ? '' : 's'}${event.auto ? ', auto-created' : ''})`;
    case 'broker.topic.deleted':
      return `topic ${event.topic} deleted`;
    case 'broker.group.rebalanced': {
      const members = event.members.map((m) => m.clientId || m.memberId).join(', ');
      return `group ${event.group} rebalanced: generation ${event.generation}, ${event.members.length} member${event.members.length === 1 ? '' : 's'}${members ? ` (${members})` : ''}`;
    }
    case 'broker.client.error':
      return clientProblemText(event);
    default:
      return undefined;
  }
}
