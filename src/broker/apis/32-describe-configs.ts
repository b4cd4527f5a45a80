/**
 * DescribeConfigs (key 32), v0-4; flexible from v4 (v0: is_default instead of a source, no synonyms).
 *
 * Topics (resource type 2): every topic config Kafka defines, with its effective value and
 * source: the topic's own override (TOPIC_CONFIG), devmode.yaml's kafka.topic_config or
 * retention (STATIC_BROKER_CONFIG), or the default (DEFAULT_CONFIG) — devmode's where it
 * differs from Kafka's (retention 24 h / 256 MiB, smaller segments). The broker (type 4): a
 * fixed set of dev values. Both filtered by the requested keys. Unknown topic:
 * UNKNOWN_TOPIC_OR_PARTITION; another resource type: INVALID_REQUEST. No synonyms.
 */
import type { ApiHandler, BrokerContext } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicConfigType } from '../../util/topic-config.js';
import { ConfigSource, configSourceCode } from './config-source.js';

const TOPIC = 2;
const BROKER = 4;
const { DEFAULT_CONFIG, STATIC_BROKER_CONFIG } = ConfigSource;
// ConfigType values of DescribeConfigs v3+
const T_BOOLEAN = 1;
const T_INT = 3;
const T_LONG = 5;

type Entry = [name: string, value: string, type: number, source: number];

function topicConfigs(b: BrokerContext, topic: string): Entry[] | undefined {
  return b.store.topicConfigs(topic)?.map((c) => [c.name, c.value, topicConfigType(c.name), configSourceCode(c.source)]);
}

function brokerConfigs(b: BrokerContext): Entry[] {
  const entries: [string, string, number][] = [
    ['auto.create.topics.enable', String(b.options.autoCreateTopics), T_BOOLEAN],
    ['broker.id', String(b.nodeId), T_INT],
    ['default.replication.factor', '1', T_INT],
    ['log.retention.bytes', unlimited(b.options.retentionBytes), T_LONG],
    ['log.retention.ms', unlimited(b.options.retentionMs), T_LONG],
    ['message.max.bytes', String(b.options.maxMessageBytes), T_INT],
    ['num.partitions', String(b.options.defaultPartitions), T_INT],
    ['offsets.topic.replication.factor', '1', T_INT],
    ['socket.request.max.bytes', String(b.options.maxRequestBytes), T_INT],
    ['group.initial.rebalance.delay.ms', '0', T_INT],
  ];
  return entries.map(([name, value, type]) => [name, value, type, STATIC_BROKER_CONFIG]);
}

/** Kafka's -1 for "unlimited" (the broker keeps it as a number it can compare against). */
function unlimited(v: number): string {
  return v >= Number.MAX_SAFE_INTEGER ? '-1' : String(v);
}

export const describeConfigs: ApiHandler = {
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  firstFlexibleVersion: 4,
  handle(req, version, ctx) {
    const flex = version >= 4;
    const resources = req.arr(flex, (r) => {
      const type = r.int8();
      const name = r.str(flex);
      const keys = r.nullableArr(flex, (r) => r.str(flex));
      r.tags(flex);
      return { type, name, keys };
    });
    if (version >= 1) req.bool(); // include_synonyms
    if (version >= 3) req.bool(); // include_documentation
    req.tags(flex);

    const b = ctx.broker;
    const w = new Writer(256);
    w.int32(0); // throttle_time_ms
    w.arr(flex, resources, (w, res) => {
      let error: number = ErrorCode.NONE;
      let message: string | null = null;
      let entries: Entry[] = [];
      if (res.type === TOPIC) {
        const found = topicConfigs(b, res.name);
        if (found) entries = found;
        else [error, message] = [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${res.name}" does not exist`];
      } else if (res.type === BROKER) {
        entries = brokerConfigs(b);
      } else {
        [error, message] = [ErrorCode.INVALID_REQUEST, `resource type ${res.type} is not supported by devmode's embedded broker`];
      }
      if (res.keys) entries = entries.filter(([name]) => res.keys!.includes(name));
      w.int16(error).nullableStr(flex, message).int8(res.type).str(flex, res.name);
      w.arr(flex, entries, (w, [name, value, type, source]) => {
        w.str(flex, name).nullableStr(flex, value).bool(false);
        if (version === 0) {
          w.bool(source === DEFAULT_CONFIG).bool(false); // is_default, is_sensitive
          return;
        }
        w.int8(source).bool(false);
        w.arr(flex, [], () => {}); // synonyms
        if (version >= 3) w.int8(type).nullableStr(flex, null);
        w.tags(flex);
      });
      w.tags(flex);
    });
    return w.tags(flex);
  },
};
