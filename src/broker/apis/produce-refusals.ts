/**
 * What to tell the user when a produce is refused with an error code clients commonly
 * misreport (librdkafka and kafkajs retry UNKNOWN_TOPIC_OR_PARTITION until a delivery
 * timeout; a too-large batch shows up as a generic failure). Injected broker faults are
 * not reported: the user asked for them.
 */
import type { RequestContext } from './api.js';
import { ErrorCode } from '../protocol/error-codes.js';

const WHY: ReadonlyMap<number, (topic: string, partition: number) => { message: string; hint: string }> = new Map([
  [
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    (topic: string, partition: number) => ({
      message: `produce to ${topic}-${partition} refused: no such topic or partition (UNKNOWN_TOPIC_OR_PARTITION)`,
      hint: 'Create the topic (kafka.topics in devmode.yaml, or an admin client) with enough partitions, or turn auto_create_topics on.',
    }),
  ],
  [
    ErrorCode.INVALID_TOPIC_EXCEPTION,
    (topic: string) => ({
      message: `produce to "${topic}" refused: not a valid topic name (INVALID_TOPIC_EXCEPTION)`,
      hint: 'Topic names use only letters, digits, ".", "_" and "-", at most 249 characters.',
    }),
  ],
  [
    ErrorCode.MESSAGE_TOO_LARGE,
    (topic: string) => ({
      message: `produce to ${topic} refused: a batch is larger than the topic's max.message.bytes (MESSAGE_TOO_LARGE)`,
      hint: "Raise max.message.bytes for the topic (or kafka's broker default), or lower the producer's batch size.",
    }),
  ],
  [
    ErrorCode.CORRUPT_MESSAGE,
    (topic: string) => ({
      message: `produce to ${topic} refused: the records did not check out (CORRUPT_MESSAGE: bad CRC, length or format)`,
      hint: 'A client bug or a proxy that alters bytes; please report it with the client library and its version.',
    }),
  ],
  [
    ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    (topic: string) => ({
      message: `produce to ${topic} refused: compression codec not allowed for this request version (UNSUPPORTED_COMPRESSION_TYPE)`,
      hint: 'zstd needs Produce v7 or later: upgrade the client, or use gzip, snappy or lz4.',
    }),
  ],
  [
    ErrorCode.INVALID_RECORD,
    (topic: string) => ({
      message: `produce to ${topic} refused: a record breaks the topic's rules (INVALID_RECORD; a compacted topic needs a key on every record)`,
      hint: 'Give every record a key, or do not compact the topic (cleanup.policy=delete).',
    }),
  ],
]);

/** Reports a refused produce of `topic`-`partition` with `code`, when it is one users trip over. */
export function reportRefusal(ctx: RequestContext, version: number, topic: string, partition: number, code: number): void {
  const why = WHY.get(code);
  if (!why || !ctx.problem) return;
  ctx.problem({ kind: 'refused', api: 'Produce', version, ...why(topic, partition) });
}
