import { connect } from 'node:net';
import { BrokerSetupError } from './broker-error.js';
import { errorMessage } from './with-timeout.js';

/** Splits "host:port" (IPv6 in brackets allowed); the port defaults to 9092. */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(address) ?? /^([^:]+)(?::(\d+))?$/.exec(address);
  if (!match?.[1]) throw new BrokerSetupError('E_BROKER', `invalid Kafka address "${address}": expected host:port`);
  const port = match[2] === undefined ? 9092 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new BrokerSetupError('E_BROKER', `invalid port in Kafka address "${address}": expected 1-65535`);
  }
  return { host: match[1], port };
}

/** Resolves when a TCP connection to the address opens; rejects with the socket error's code. */
export function tcpProbe(address: string, timeoutMs: number): Promise<void> {
  const { host, port } = parseHostPort(address);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code ?? error.message));
    });
  });
}

/**
 * Checks that at least one bootstrap server accepts TCP connections, so an external
 * cluster that is down fails start-up with one clear line instead of a client retrying.
 */
export async function assertReachable(brokers: readonly string[], timeoutMs: number): Promise<void> {
  if (brokers.length === 0) {
    throw new BrokerSetupError('E_BROKER', 'no Kafka brokers configured (external mode); set kafka.brokers in devmode.yaml');
  }
  const failures: string[] = [];
  for (const address of brokers) {
    try {
      await tcpProbe(address, timeoutMs);
      return;
    } catch (error) {
      if (error instanceof BrokerSetupError) throw error;
      failures.push(`${address} (external mode): ${errorMessage(error)}`);
    }
  }
  throw new BrokerSetupError('E_UNREACHABLE', `cannot reach Kafka at ${failures.join('; ')}; check kafka.brokers in devmode.yaml`);
}
