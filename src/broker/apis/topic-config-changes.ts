/**
 * Applying changed topic configs (AlterConfigs, IncrementalAlterConfigs): each value checked
 * with the one rule (util/topic-config.ts), answered with Kafka's error code and words.
 */
import type { RequestContext } from './api.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicConfigProblem } from '../../util/topic-config.js';

export const TOPIC_RESOURCE = 2;
export const BROKER_RESOURCE = 4;

export interface ConfigChangeResult {
  error: number;
  message: string | null;
}

const OK: ConfigChangeResult = { error: ErrorCode.NONE, message: null };

/** The topic's current overrides (a copy), or the answer to give for a resource that cannot change. */
export function currentOverrides(ctx: RequestContext, type: number, name: string): { overrides: Record<string, string> } | { refused: ConfigChangeResult } {
  if (type === BROKER_RESOURCE) {
    const message = "the embedded broker's own configs come from devmode.yaml (kafka: ...) and cannot be altered at run time; alter topic configs instead";
    return { refused: { error: ErrorCode.INVALID_REQUEST, message } };
  }
  if (type !== TOPIC_RESOURCE) return { refused: { error: ErrorCode.INVALID_REQUEST, message: `resource type ${type} is not supported by devmode's embedded broker` } };
  const info = ctx.broker.store.topic(name);
  if (!info) return { refused: { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `Topic ${name} does not exist` } };
  return { overrides: { ...info.configs } };
}

/** Checks `overrides` and, unless `validateOnly`, makes them the topic's. */
export function applyOverrides(ctx: RequestContext, topic: string, overrides: Record<string, string>, validateOnly: boolean): ConfigChangeResult {
  for (const [name, value] of Object.entries(overrides)) {
    const problem = topicConfigProblem(name, value);
    if (problem) return { error: ErrorCode.INVALID_CONFIG, message: problem.message };
  }
  if (!validateOnly) ctx.broker.store.setTopicConfigs(topic, overrides);
  return OK;
}
