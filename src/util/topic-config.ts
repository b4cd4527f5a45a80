/**
 * Kafka's topic-level configs: which names exist, their types and valid values, and the
 * wording Kafka uses for a bad one. The one rule for devmode.yaml (kafka.topic_config and a
 * topic's config) and for the embedded broker (CreateTopics, AlterConfigs).
 *
 * Every topic config Kafka 3.9 defines is accepted and stored (tools and frameworks set many
 * of them); `HONOURED` lists the ones the embedded broker acts on.
 */

type Kind =
  | { type: 'long' | 'int'; min?: number }
  | { type: 'double'; min: number; max: number }
  | { type: 'boolean' }
  | { type: 'string'; oneOf?: readonly string[] }
  | { type: 'list'; oneOf: readonly string[] };

/** Each topic config with its Kafka type and bounds, and Kafka's default. */
const DEFS: Readonly<Record<string, Kind & { default: string }>> = {
  'cleanup.policy': { type: 'list', oneOf: ['compact', 'delete'], default: 'delete' },
  'compression.type': { type: 'string', oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], default: 'producer' },
  'delete.retention.ms': { type: 'long', min: 0, default: '86400000' },
  'file.delete.delay.ms': { type: 'long', min: 0, default: '60000' },
  'flush.messages': { type: 'long', min: 1, default: '9223372036854775807' },
  'flush.ms': { type: 'long', min: 0, default: '9223372036854775807' },
  'follower.replication.throttled.replicas': { type: 'string', default: '' },
  'index.interval.bytes': { type: 'int', min: 0, default: '4096' },
  'leader.replication.throttled.replicas': { type: 'string', default: '' },
  'local.retention.bytes': { type: 'long', min: -2, default: '-2' },
  'local.retention.ms': { type: 'long', min: -2, default: '-2' },
  'max.compaction.lag.ms': { type: 'long', min: 1, default: '9223372036854775807' },
  'max.message.bytes': { type: 'int', min: 0, default: '1048588' },
  'message.downconversion.enable': { type: 'boolean', default: 'true' },
  'message.format.version': { type: 'string', default: '3.0-IV1' },
  'message.timestamp.after.max.ms': { type: 'long', min: 0, default: '9223372036854775807' },
  'message.timestamp.before.max.ms': { type: 'long', min: 0, default: '9223372036854775807' },
  'message.timestamp.difference.max.ms': { type: 'long', min: 0, default: '9223372036854775807' },
  'message.timestamp.type': { type: 'string', oneOf: ['CreateTime', 'LogAppendTime'], default: 'CreateTime' },
  'min.cleanable.dirty.ratio': { type: 'double', min: 0, max: 1, default: '0.5' },
  'min.compaction.lag.ms': { type: 'long', min: 0, default: '0' },
  'min.insync.replicas': { type: 'int', min: 1, default: '1' },
  preallocate: { type: 'boolean', default: 'false' },
  'remote.storage.enable': { type: 'boolean', default: 'false' },
  'retention.bytes': { type: 'long', default: '-1' },
  'retention.ms': { type: 'long', min: -1, default: '604800000' },
  'segment.bytes': { type: 'int', min: 14, default: '1073741824' },
  'segment.index.bytes': { type: 'int', min: 4, default: '10485760' },
  'segment.jitter.ms': { type: 'long', min: 0, default: '0' },
  'segment.ms': { type: 'long', min: 1, default: '604800000' },
  'unclean.leader.election.enable': { type: 'boolean', default: 'false' },
};

/** The configs the embedded broker acts on; the rest are stored and described only. */
export const HONOURED_TOPIC_CONFIGS: readonly string[] = [
  'cleanup.policy',
  'delete.retention.ms',
  'max.message.bytes',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.ms',
];

/** Every topic config name Kafka defines, sorted. */
export const TOPIC_CONFIG_NAMES: readonly string[] = Object.keys(DEFS).sort();

/** Kafka's default value of a topic config (undefined for an unknown name). */
export function kafkaTopicDefault(name: string): string | undefined {
  return DEFS[name]?.default;
}

/** Kafka's ConfigType (DescribeConfigs v3+): 1 boolean, 2 string, 3 int, 5 long, 6 double, 7 list. */
export function topicConfigType(name: string): number {
  const t = DEFS[name]?.type;
  return t === 'boolean' ? 1 : t === 'int' ? 3 : t === 'long' ? 5 : t === 'double' ? 6 : t === 'list' ? 7 : 2;
}

/** What is wrong with setting `name` to `value`, in Kafka's words; undefined when it is fine. */
export function topicConfigProblem(name: string, value: string): { unknown: boolean; message: string } | undefined {
  const def = DEFS[name];
  if (!def) return { unknown: true, message: `Unknown topic config name: ${name}` };
  const invalid = (why: string) => ({ unknown: false, message: `Invalid value ${value} for configuration ${name}: ${why}` });
  const v = value.trim();
  switch (def.type) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(v)) return invalid(`Not a number of type ${def.type === 'long' ? 'LONG' : 'INT'}`);
      const n = Number(v);
      if (def.type === 'int' && (n > 2147483647 || n < -2147483648)) return invalid('Not a number of type INT');
      if (def.min !== undefined && n < def.min) return invalid(`Value must be at least ${def.min}`);
      return undefined;
    }
    case 'double': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) return invalid('Not a number of type DOUBLE');
      if (n < def.min) return invalid(`Value must be at least ${def.min.toFixed(1)}`);
      if (n > def.max) return invalid(`Value must be no more than ${def.max.toFixed(1)}`);
      return undefined;
    }
    case 'boolean':
      return /^(true|false)$/i.test(v) ? undefined : invalid('Expected value to be either true or false');
    case 'string':
      return def.oneOf && !def.oneOf.includes(v) ? invalid(`String must be one of: ${def.oneOf.join(', ')}`) : undefined;
    case 'list': {
      const items = v.split(',').map((s) => s.trim());
      const bad = items.find((s) => !def.oneOf.includes(s));
      return bad === undefined ? undefined : invalid(`String must be one of: ${def.oneOf.join(', ')}`);
    }
  }
}
