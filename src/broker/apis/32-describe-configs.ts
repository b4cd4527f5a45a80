/**
 * DescribeConfigs (key 32), v0-4; flexible from v4 (v0: is_default instead of a source, no synonyms).
 *
 * Answers topics (resource type 2) and the broker (type 4) with a fixed set of dev values
 * (what admin tools and clients ask for: cleanup.policy, retention, max.message.bytes,
 * ...), filtered by the requested keys. Every value is reported as a default with no
 * synonyms; nothing here can be changed (no AlterConfigs). Unknown topic:
 * UNKNOWN_TOPIC_OR_PARTITION; another resource type: INVALID_REQUEST.
 */
import type { ApiHandler, BrokerContext } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

const TOPIC = 2;
const BROKER = 4;
const DEFAULT_CONFIG = 5;
const STATIC_BROKER_CONFIG = 4;
// ConfigType values of DescribeConfigs v3+
const T_BOOLEAN = 1;
const T_STRING = 2;
const T_INT = 3;
const T_LONG = 5;

type Entry = [name: string, value: string, type: number];

function topicConfigs(b: BrokerContext): Entry[] {
  return [
    ['cleanup.policy', 'delete', T_STRING],
    ['compression.type', 'producer', T_STRING],
    ['max.message.bytes', String(b.options.maxMessageBytes), T_INT],
    ['message.timestamp.type', 'CreateTime', T_STRING],
    ['min.insync.replicas', '1', T_INT],
    ['retention.bytes', String(b.options.retentionBytes), T_LONG],
    ['retention.ms', String(b.options.retentionMs), T_LONG],
    ['segment.bytes', '1073741824', T_INT],
    ['unclean.leader.election.enable', 'false', T_BOOLEAN],
  ];
}

function brokerConfigs(b: BrokerContext): Entry[] {
  return [
    ['auto.create.topics.enable', String(b.options.autoCreateTopics), T_BOOLEAN],
    ['broker.id', String(b.nodeId), T_INT],
    ['default.replication.factor', '1', T_INT],
    ['log.retention.bytes', String(b.options.retentionBytes), T_LONG],
    ['log.retention.ms', String(b.options.retentionMs), T_LONG],
    ['message.max.bytes', String(b.options.maxMessageBytes), T_INT],
    ['num.partitions', String(b.options.defaultPartitions), T_INT],
    ['offsets.topic.replication.factor', '1', T_INT],
    ['socket.request.max.bytes', String(b.options.maxRequestBytes), T_INT],
    ['group.initial.rebalance.delay.ms', '0', T_INT],
  ];
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
        if (b.store.topic(res.name)) entries = topicConfigs(b);
        else [error, message] = [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${res.name}" does not exist`];
      } else if (res.type === BROKER) {
        entries = brokerConfigs(b);
      } else {
        [error, message] = [ErrorCode.INVALID_REQUEST, `resource type ${res.type} is not supported by devmode's embedded broker`];
      }
      if (res.keys) entries = entries.filter(([name]) => res.keys!.includes(name));
      const source = res.type === BROKER ? STATIC_BROKER_CONFIG : DEFAULT_CONFIG;
      w.int16(error).nullableStr(flex, message).int8(res.type).str(flex, res.name);
      w.arr(flex, entries, (w, [name, value, type]) => {
        w.str(flex, name).nullableStr(flex, value).bool(false);
        if (version === 0) {
          w.bool(true).bool(false); // is_default, is_sensitive
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
