/** Shared bits of the broker-faults tests: kafkajs clients, polling, TCP probes. */
import { connect } from 'node:net';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

export function kafka(bootstrap: string, clientId: string, retry: KafkaConfig['retry'] = { retries: 2, initialRetryTime: 50 }): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry });
}

/** Polls `probe` until it returns a value; fails with `what` after the timeout (only there to catch a hang). */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The error code a TCP connect to host:port ends with, or 'connected'. */
export function tcpProbe(bootstrap: string): Promise<string> {
  const [host, port] = bootstrap.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
