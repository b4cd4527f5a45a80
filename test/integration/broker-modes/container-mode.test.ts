import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerSetupError, createBroker } from '../../../src/broker/index.js';
import { closedPort, eventLog, kafkaConfig } from './helpers.js';

// see auto-mode.test.ts: a refused DOCKER_HOST makes "no engine" certain in this process
const savedDockerHost = process.env['DOCKER_HOST'];
beforeAll(async () => {
  process.env['DOCKER_HOST'] = `tcp://127.0.0.1:${await closedPort()}`;
});
afterAll(() => {
  if (savedDockerHost === undefined) delete process.env['DOCKER_HOST'];
  else process.env['DOCKER_HOST'] = savedDockerHost;
});

describe('kafka.mode container without a Docker engine', () => {
  it('fails start-up with one clear line and starts nothing', async () => {
    const { events, publish } = eventLog();
    const broker = createBroker(kafkaConfig({ mode: 'container' }), { publish, dockerProbeTimeoutMs: 2000 });
    const error: unknown = await broker.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BrokerSetupError);
    expect((error as BrokerSetupError).code).toBe('E_NO_DOCKER');
    expect((error as Error).message).toBe(
      'kafka.mode is container but no Docker engine answered (Could not find a working container runtime strategy); ' +
        'start Docker, or set kafka.mode to embedded or auto in devmode.yaml',
    );
    await broker.stop();
    expect(events).toEqual([]);
  });
});
