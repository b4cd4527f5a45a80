/** Semantic checks of the `kafka:` section. */
import { asList, type CheckContext } from './check-context.js';
import type { RawConfig } from './schema.js';
import { topicNameRule } from '../util/topic-name.js';
import { TOPIC_CONFIG_NAMES, topicConfigProblem } from '../util/topic-config.js';
import { suggest } from '../util/suggest.js';

/** Why `name` cannot be a Kafka topic, or undefined (Kafka's rule: util/topic-name.ts). */
export function topicNameProblem(name: string): string | undefined {
  switch (topicNameRule(name)) {
    case null:
      return undefined;
    case 'reserved':
      return `'${name}' is reserved`;
    case 'too-long':
      return 'it is longer than 249 characters';
    case 'empty':
    case 'illegal-characters':
      return 'use only letters, digits, ".", "_" and "-"';
  }
}

/** Checks brokers, topics and persistence settings. */
export function checkKafka(ctx: CheckContext, config: RawConfig): void {
  const kafka = config.kafka;
  if (!kafka) return;
  const brokers = asList(kafka.brokers);
  if (kafka.mode === 'external' && brokers.length === 0) {
    ctx.error(['kafka', 'mode'], 'value', "kafka mode 'external' needs 'brokers'", 'add brokers: [host:9092], the bootstrap servers of your Kafka');
  }
  if (kafka.mode !== 'external' && kafka.brokers !== undefined) {
    ctx.warn(['kafka', 'brokers'], 'key', `'brokers' is only used with mode: external (mode is ${kafka.mode ?? 'auto'})`, 'remove it, or set mode: external');
  }
  brokers.forEach((broker, i) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d+)$/.exec(broker);
    const port = Number(match?.[2]);
    if (!match || !(port > 0 && port <= 65535)) {
      const at = Array.isArray(kafka.brokers) ? ['kafka', 'brokers', i] : ['kafka', 'brokers'];
      ctx.error(at, 'value', `broker '${broker}' is not host:port`, 'write it like localhost:9092');
    }
  });
  if (kafka.data_dir !== undefined && kafka.persist !== true) {
    ctx.warn(['kafka', 'data_dir'], 'key', "'data_dir' has no effect unless persist: true", 'add persist: true to keep broker data across runs');
  }
  const seen = new Set<string>();
  (kafka.topics ?? []).forEach((topic, i) => {
    const name = typeof topic === 'string' ? topic : topic.name;
    const at = typeof topic === 'string' ? ['kafka', 'topics', i] : ['kafka', 'topics', i, 'name'];
    const problem = topicNameProblem(name);
    if (problem !== undefined) ctx.error(at, 'value', `invalid topic name '${name}'`, problem);
    if (seen.has(name)) ctx.error(at, 'value', `topic '${name}' is listed twice`, 'remove one of them');
    seen.add(name);
    if (typeof topic !== 'string') checkTopicConfig(ctx, ['kafka', 'topics', i, 'config'], topic.config);
  });
  checkTopicConfig(ctx, ['kafka', 'topic_config'], kafka.topic_config);
}

/** Each entry a Kafka topic config with a valid value (the rule the broker applies too). */
function checkTopicConfig(ctx: CheckContext, at: (string | number)[], config: Readonly<Record<string, unknown>> | undefined): void {
  for (const [name, value] of Object.entries(config ?? {})) {
    const problem = topicConfigProblem(name, String(value));
    if (!problem) continue;
    if (problem.unknown) {
      const close = suggest(name, TOPIC_CONFIG_NAMES);
      ctx.error([...at, name], 'key', `unknown Kafka topic config '${name}'`, close ? `did you mean '${close}'?` : 'see Kafka\'s topic configs (cleanup.policy, retention.ms, ...)');
    } else ctx.error([...at, name], 'value', problem.message, undefined);
  }
}
