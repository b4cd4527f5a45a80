/**
 * A topic's effective configs and the settings its partition logs act on. A config comes
 * from, in order: the topic's own overrides (CreateTopics, AlterConfigs), the broker's
 * defaults (devmode.yaml's kafka section), devmode's dev-friendly defaults, Kafka's.
 */
import { TOPIC_CONFIG_NAMES, kafkaTopicDefault } from '../../util/topic-config.js';

/** Where an effective config comes from (DescribeConfigs' config_source). */
export type ConfigSource = 'topic' | 'broker' | 'default';

export interface EffectiveConfig {
  name: string;
  value: string;
  source: ConfigSource;
}

/** What one partition log acts on; -1 limits are already turned into "unlimited". */
export interface TopicSettings {
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly maxMessageBytes: number;
  /** cleanup.policy has delete: retention drops old segments */
  readonly deletes: boolean;
  /** cleanup.policy has compact */
  readonly compacts: boolean;
  readonly minCleanableDirtyRatio: number;
  readonly deleteRetentionMs: number;
  /** message.timestamp.type=LogAppendTime */
  readonly logAppendTime: boolean;
}

/** devmode's own defaults, where Kafka's do not suit a dev machine. */
export function devmodeTopicDefaults(inMemory: boolean): Record<string, string> {
  return {
    'retention.ms': String(24 * 60 * 60 * 1000),
    'retention.bytes': String(256 * 1024 * 1024),
    'segment.bytes': String(inMemory ? 1024 * 1024 : 16 * 1024 * 1024),
  };
}

/** Every topic config with its value and source. */
export function effectiveConfigs(
  overrides: Readonly<Record<string, string>>,
  brokerDefaults: Readonly<Record<string, string>>,
  devDefaults: Readonly<Record<string, string>>,
): EffectiveConfig[] {
  return TOPIC_CONFIG_NAMES.map((name) => {
    const own = overrides[name];
    if (own !== undefined) return { name, value: own, source: 'topic' };
    const broker = brokerDefaults[name];
    if (broker !== undefined) return { name, value: broker, source: 'broker' };
    return { name, value: devDefaults[name] ?? kafkaTopicDefault(name) ?? '', source: 'default' };
  });
}

/** -1 (Kafka's "unlimited") as a number a log can compare against. */
function limit(value: string): number {
  const n = Number(value);
  return n < 0 ? Number.MAX_SAFE_INTEGER : Math.min(n, Number.MAX_SAFE_INTEGER);
}

/** The settings a partition log acts on, from effective configs. */
export function settingsOf(configs: readonly EffectiveConfig[]): TopicSettings {
  const get = (name: string): string => configs.find((c) => c.name === name)?.value ?? kafkaTopicDefault(name) ?? '';
  const policy = get('cleanup.policy').split(',').map((s) => s.trim());
  return {
    retentionMs: limit(get('retention.ms')),
    retentionBytes: limit(get('retention.bytes')),
    segmentBytes: limit(get('segment.bytes')),
    segmentMs: limit(get('segment.ms')),
    maxMessageBytes: limit(get('max.message.bytes')),
    deletes: policy.includes('delete'),
    compacts: policy.includes('compact'),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    deleteRetentionMs: limit(get('delete.retention.ms')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
  };
}
