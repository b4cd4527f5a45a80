/**
 * Finding (or auto-creating) the topic a Metadata or Produce request names, with the error
 * Kafka answers when it cannot: INVALID_TOPIC_EXCEPTION for a bad name,
 * UNKNOWN_TOPIC_OR_PARTITION when absent and auto-creation is off.
 */
import type { RequestContext } from './api.js';
import type { TopicInfo } from '../log/contract.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { topicNameProblem } from '../log/topic-name.js';

export function resolveTopicForWrite(
  ctx: RequestContext,
  name: string,
  allowAuto: boolean,
): { error: number; info: TopicInfo | undefined } {
  const b = ctx.broker;
  const existing = b.store.topic(name);
  if (existing) return { error: ErrorCode.NONE, info: existing };
  if (topicNameProblem(name) !== null) return { error: ErrorCode.INVALID_TOPIC_EXCEPTION, info: undefined };
  if (!allowAuto || !b.options.autoCreateTopics) return { error: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, info: undefined };
  try {
    return { error: ErrorCode.NONE, info: b.createTopic(name, b.options.defaultPartitions, true) };
  } catch {
    // created concurrently by another request, or refused by the store
    const info = b.store.topic(name);
    return { error: info ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, info };
  }
}
