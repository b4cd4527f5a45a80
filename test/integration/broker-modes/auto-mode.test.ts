import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createBroker } from '../../../src/broker/index.js';
import { tcpProbe } from '../../../src/broker/modes/reachability.js';
import { closedPort, eventLog, kafkaConfig } from './helpers.js';

// testcontainers reads DOCKER_HOST once per process; vitest runs each file in its own
// process, so pointing it at a refused port here makes "no engine" certain on any machine.
const savedDockerHost = process.env['DOCKER_HOST'];
beforeAll(async () => {
  process.env['DOCKER_HOST'] = `tcp://127.0.0.1:${await closedPort()}`;
});
afterAll(() => {
  if (savedDockerHost === undefined) delete process.env['DOCKER_HOST'];
  else process.env['DOCKER_HOST'] = savedDockerHost;
});

describe('kafka.mode auto without a Docker engine', () => {
  it('falls back to the embedded broker quickly and says why in one line', async () => {
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'auto' }), { publish, dockerProbeTimeoutMs: 2000 });
    onTestFinished(() => broker.stop());
    const started = Date.now();
    await broker.start();
    // the probe's 2 s budget plus loading testcontainers; generous, to catch a hang only
    expect(Date.now() - started).toBeLessThan(15_000);

    expect(broker.mode).toBe('embedded');
    expect(broker.reason).toBe('embedded (no Docker engine: Could not find a working container runtime strategy)');
    // the embedded broker runs in a worker thread: no in-process object on this side
    expect(broker.embedded).toBeUndefined();
    expect(broker.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    const startedEvents = events.filter((e) => e.type === 'broker.started');
    expect(startedEvents).toEqual([
      { type: 'broker.started', mode: 'embedded', bootstrap: broker.bootstrap, reason: broker.reason, ts: expect.any(Number) },
    ]);

    // a real client works against what auto chose, and introspection sees it
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    onTestFinished(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: 'auto-orders', numPartitions: 2 }] });
    const topics = await broker.introspection.topics();
    expect(topics.find((t) => t.name === 'auto-orders')?.partitions).toHaveLength(2);

    const bootstrap = broker.bootstrap;
    await broker.stop();
    await broker.stop(); // idempotent
    expect(events.filter((e) => e.type === 'broker.stopped')).toHaveLength(1);
    await expect(tcpProbe(bootstrap, 1000)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops cleanly when stop() is called during start()', async () => {
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'auto' }), { publish, dockerProbeTimeoutMs: 2000 });
    const starting = broker.start();
    const stopping = broker.stop();
    await expect(starting).rejects.toThrow(/stopped before/);
    await stopping;
    expect(events.filter((e) => e.type === 'broker.started')).toHaveLength(0);
  });
});
