/**
 * Errors the log store throws for a caller's mistake. Each carries the Kafka error code
 * the wire layer should answer with, and a message fit to show a user.
 */
import { ErrorCode } from '../protocol/error-codes.js';

/** Base of the store's user-facing errors; `code` is a Kafka error code. */
export class LogStoreError extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** createTopic on a name already present (TOPIC_ALREADY_EXISTS, 36). */
export class TopicExistsError extends LogStoreError {
  constructor(topic: string) {
    super(`topic "${topic}" already exists`, ErrorCode.TOPIC_ALREADY_EXISTS);
  }
}

/** A topic name Kafka would refuse (INVALID_TOPIC_EXCEPTION, 17). */
export class InvalidTopicError extends LogStoreError {
  constructor(message: string) {
    super(message, ErrorCode.INVALID_TOPIC_EXCEPTION);
  }
}

/** A partition count below 1 or not above the current one (INVALID_PARTITIONS, 37). */
export class InvalidPartitionsError extends LogStoreError {
  constructor(message: string) {
    super(message, ErrorCode.INVALID_PARTITIONS);
  }
}

/** The data directory is unusable (locked by another process, unreadable metadata). */
export class DataDirError extends LogStoreError {
  constructor(message: string) {
    super(message, ErrorCode.NONE);
  }
}

/** A topic config with an unknown name or a bad value (INVALID_CONFIG, 40). */
export class InvalidConfigError extends LogStoreError {
  constructor(message: string) {
    super(message, ErrorCode.INVALID_CONFIG);
  }
}

/** DeleteRecords past the high watermark (OFFSET_OUT_OF_RANGE, 1). */
export class OffsetOutOfRangeError extends LogStoreError {
  constructor(message: string) {
    super(message, ErrorCode.OFFSET_OUT_OF_RANGE);
  }
}
