/**
 * Kafka's ConfigSource codes (DescribeConfigs v1+, CreateTopics v5+) for where a topic
 * config comes from: the topic's own override, the broker's default (devmode.yaml), or the
 * built-in default.
 */
import type { TopicConfigEntry } from '../log/contract.js';

export const ConfigSource = {
  TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

export function configSourceCode(source: TopicConfigEntry['source']): number {
  return source === 'topic' ? ConfigSource.TOPIC_CONFIG : source === 'broker' ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
}
