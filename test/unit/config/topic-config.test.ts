/**
 * Kafka topic configs in devmode.yaml (kafka.topic_config, a topic's config): checked with
 * the same rule the broker applies to CreateTopics, reported with file:line:col.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigWithWarnings } from '../../../src/config/load.js';
import { topicConfigProblem } from '../../../src/util/topic-config.js';

const FILE = '/project/devmode.yaml';

function load(text: string) {
  return parseConfigWithWarnings(`services:\n  web: { command: node -e 1 }\n${text}`, FILE, { pathEnv: path.dirname(process.execPath), checkFiles: false });
}

describe('topic configs in devmode.yaml', () => {
  it('builds broker defaults and per-topic configs as strings', () => {
    const r = load(`kafka:
  mode: embedded
  topic_config: { max.message.bytes: 10485760, message.timestamp.type: LogAppendTime }
  topics:
    - { name: state, config: { cleanup.policy: compact, min.cleanable.dirty.ratio: 0.1 } }
    - plain
`);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    const kafka = r.value.config.kafka;
    expect(kafka.topicConfig).toEqual({ 'max.message.bytes': '10485760', 'message.timestamp.type': 'LogAppendTime' });
    expect(kafka.topics).toEqual([
      { name: 'state', partitions: 1, configs: { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.1' } },
      { name: 'plain', partitions: 1 },
    ]);
  });

  it('reports an unknown name (with a suggestion) and a bad value in Kafka words, at their positions', () => {
    const r = load(`kafka:
  topic_config:
    retention.msx: 1000
  topics:
    - name: state
      config:
        cleanup.policy: compacted
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.error.map((d) => `${d.line}:${d.col} ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
    expect([...lines].sort()).toEqual([
      "5:5 unknown Kafka topic config 'retention.msx' (did you mean 'retention.ms'?)",
      '9:25 Invalid value compacted for configuration cleanup.policy: String must be one of: compact, delete',
    ]);
  });

  it('validates values as Kafka does', () => {
    expect(topicConfigProblem('retention.ms', '-1')).toBeUndefined();
    expect(topicConfigProblem('retention.ms', '-2')?.message).toBe('Invalid value -2 for configuration retention.ms: Value must be at least -1');
    expect(topicConfigProblem('retention.ms', 'soon')?.message).toBe('Invalid value soon for configuration retention.ms: Not a number of type LONG');
    expect(topicConfigProblem('max.message.bytes', '3000000000')?.message).toMatch(/Not a number of type INT/);
    expect(topicConfigProblem('min.cleanable.dirty.ratio', '1.5')?.message).toBe('Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1.0');
    expect(topicConfigProblem('cleanup.policy', 'compact,delete')).toBeUndefined();
    expect(topicConfigProblem('message.timestamp.type', 'LogAppendTime')).toBeUndefined();
    expect(topicConfigProblem('message.timestamp.type', 'Now')?.message).toMatch(/String must be one of: CreateTime, LogAppendTime/);
    expect(topicConfigProblem('nope', '1')).toEqual({ unknown: true, message: 'Unknown topic config name: nope' });
  });
});
