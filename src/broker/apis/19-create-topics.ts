/**
 * CreateTopics (key 19), v0-7; flexible from v5 (v0-1 as Kafka 3.9: v0 has no validate_only
 * and no error message, v0-1 no throttle time).
 *
 * Creates topics with the asked partition count (-1 or absent = the broker default; with
 * explicit assignments, one partition per assignment). The replication factor is accepted
 * whatever it is (a single dev broker cannot replicate, and scripts written for a real
 * cluster should still run) and reported as 1. validate_only checks without creating.
 * Errors: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION (bad name), INVALID_PARTITIONS
 * (0 or below -1), INVALID_REQUEST (a name twice in one request), INVALID_CONFIG (an
 * unknown config name or a bad value, in Kafka's words: util/topic-config.ts). Configs are
 * stored with the topic (and its data directory); v5+ answers with every effective config
 * and its source, as DescribeConfigs would. v7+ returns the topic id.
 */
import type { ApiHandler, RequestContext } from './api.js';
import type { TopicInfo } from '../log/contract.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicNameProblem } from '../log/topic-name.js';
import { topicConfigProblem } from '../../util/topic-config.js';
import { configSourceCode } from './config-source.js';

interface Result {
  name: string;
  error: number;
  message: string | null;
  partitions: number;
  info: TopicInfo | undefined;
}

export const createTopics: ApiHandler = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  firstFlexibleVersion: 5,
  handle(req, version, ctx) {
    const flex = version >= 5;
    const topics = req.arr(flex, (r) => {
      const name = r.str(flex);
      const partitions = r.int32();
      r.int16(); // replication_factor
      const assignments = r.arr(flex, (r) => {
        r.int32();
        r.arr(flex, (r) => r.int32());
        r.tags(flex);
        return null;
      });
      const configs = r.arr(flex, (r) => {
        const key = r.str(flex);
        const value = r.nullableStr(flex);
        r.tags(flex);
        return [key, value] as const;
      });
      r.tags(flex);
      return { name, configs, partitions: partitions === -1 && assignments.length > 0 ? assignments.length : partitions };
    });
    req.int32(); // timeout_ms
    const validateOnly = version >= 1 ? req.bool() : false;
    req.tags(flex);

    const seen = new Map<string, number>();
    for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results = topics.map((t) => create(ctx, t.name, t.partitions, t.configs, validateOnly, (seen.get(t.name) ?? 0) > 1));

    const w = new Writer(64 + results.length * 64);
    if (version >= 2) w.int32(0); // throttle_time_ms
    w.arr(flex, results, (w, t) => {
      w.str(flex, t.name);
      if (version >= 7) w.uuid(t.info?.id ?? null);
      w.int16(t.error);
      if (version >= 1) w.nullableStr(flex, t.message);
      if (version >= 5) {
        const ok = t.error === ErrorCode.NONE;
        w.int32(ok ? t.partitions : -1).int16(ok ? 1 : -1);
        const configs = ok ? (t.info ? ctx.broker.store.topicConfigs(t.name) ?? [] : []) : null;
        w.arr(flex, configs, (w, c) => {
          w.str(flex, c.name).nullableStr(flex, c.value).bool(false).int8(configSourceCode(c.source)).bool(false).tags(flex);
        });
      }
      w.tags(flex);
    });
    return w.tags(flex);
  },
};

function create(
  ctx: RequestContext,
  name: string,
  asked: number,
  configList: readonly (readonly [string, string | null])[],
  validateOnly: boolean,
  duplicate: boolean,
): Result {
  const b = ctx.broker;
  const partitions = asked === -1 ? b.options.defaultPartitions : asked;
  const fail = (error: number, message: string): Result => ({ name, error, message, partitions, info: undefined });
  if (duplicate) return fail(ErrorCode.INVALID_REQUEST, `topic "${name}" appears more than once in the request`);
  const problem = topicNameProblem(name);
  if (problem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, `number of partitions must be at least 1, got ${asked}`);
  if (b.store.topic(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
  const configs: Record<string, string> = {};
  for (const [key, value] of configList) {
    // a null value means "the default", as in Kafka
    if (value === null) continue;
    const problem = topicConfigProblem(key, value);
    if (problem) return fail(ErrorCode.INVALID_CONFIG, problem.message);
    configs[key] = value.trim();
  }
  if (validateOnly) return { name, error: ErrorCode.NONE, message: null, partitions, info: undefined };
  try {
    const info = b.createTopic(name, partitions, false, configs);
    return { name, error: ErrorCode.NONE, message: null, partitions: info.partitions, info };
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : ErrorCode.UNKNOWN_SERVER_ERROR;
    return fail(code || ErrorCode.UNKNOWN_SERVER_ERROR, error instanceof Error ? error.message : String(error));
  }
}
