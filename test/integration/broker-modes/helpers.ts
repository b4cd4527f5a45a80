import { createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import type { KafkaConfig } from '../../../src/config/types.js';
import type { DevmodeEvent } from '../../../src/core/events/index.js';

/** A KafkaConfig with devmode's defaults, on an ephemeral port. */
export function kafkaConfig(overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  return {
    mode: 'auto',
    host: '127.0.0.1',
    port: 0,
    brokers: [],
    image: 'confluentinc/cp-kafka:7.9.1',
    dataDir: null,
    autoCreateTopics: true,
    defaultPartitions: 1,
    topics: [],
    retentionBytes: 256 * 1024 * 1024,
    retentionMs: 24 * 60 * 60 * 1000,
    ...overrides,
  };
}

/** Collects published events. */
export function eventLog(): { events: DevmodeEvent[]; publish: (e: DevmodeEvent) => void } {
  const events: DevmodeEvent[] = [];
  return { events, publish: (e) => events.push(e) };
}

/** A port that was just free: opened on 0, then closed (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers (a wedged Docker endpoint). */
export async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

/** Polls `check` until it returns a value other than undefined, or fails after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
