/**
 * Starts an EmbeddedBroker on 127.0.0.1, port 0, for one test, and stops it when the test
 * finishes. Events it publishes are collected in `events`.
 */
import { onTestFinished } from 'vitest';
import type { BrokerEvent } from '../../src/core/events/index.js';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from '../../src/broker/embedded.js';

export interface TestBroker {
  broker: EmbeddedBroker;
  /** "127.0.0.1:PORT" */
  bootstrap: string;
  events: BrokerEvent[];
}

/** Call inside a test (uses onTestFinished); for beforeAll/afterAll use startBroker + stop. */
export async function startTestBroker(options: EmbeddedBrokerOptions = {}): Promise<TestBroker> {
  const started = await startBroker(options);
  onTestFinished(() => started.broker.stop());
  return started;
}

/** Starts a broker; the caller stops it. */
export async function startBroker(options: EmbeddedBrokerOptions = {}): Promise<TestBroker> {
  const events: BrokerEvent[] = [];
  const publish = options.publish;
  const broker = new EmbeddedBroker({
    port: 0,
    ...options,
    publish: (e) => {
      events.push(e);
      publish?.(e);
    },
  });
  try {
    await broker.start();
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return { broker, bootstrap: broker.bootstrap, events };
}
