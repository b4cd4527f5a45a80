import type { Admin } from 'kafkajs';
import type { KafkaTopicConfig } from '../../config/types.js';
import type { DevmodeEvent } from '../../core/events/index.js';

/**
 * A connected kafkajs admin client for devmode's own use (topic creation, introspection).
 * kafkajs logs to the console by default; devmode's output goes through events only.
 */
export async function openAdmin(brokers: readonly string[]): Promise<Admin> {
  // Loaded only here: embedded mode (the common case) never needs kafkajs, and importing
  // it costs start-up time.
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    clientId: 'devmode',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

/**
 * Creates the declared topics that do not exist yet (an existing topic is left as it is,
 * whatever its partition count) and reports each creation.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly KafkaTopicConfig[],
  publish: (event: DevmodeEvent) => void,
): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.name));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
  });
  for (const t of missing) publish({ type: 'broker.topic.created', topic: t.name, partitions: t.partitions, auto: false, ts: Date.now() });
}
