/** The embedded broker's log: what the wire layer and system/ import. */
export type * from './contract.js';
export { EmbeddedLogStore, DEFAULT_RETENTION_BYTES, DEFAULT_RETENTION_MS, type LogStoreOptions } from './log-store.js';
export { StoredPartitionLog } from './partition-log.js';
export {
  readBatchHeader,
  validateProducedBatch,
  setBaseOffset,
  batchSizeAt,
  batchCrcValid,
  codecName,
  BatchField,
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  type ProduceValidationOptions,
} from './batch.js';
export { crc32c, crc32cImplementation } from './crc32c.js';
export { ErrorCode } from '../protocol/error-codes.js';
export { LogStoreError, TopicExistsError, InvalidTopicError, InvalidPartitionsError, DataDirError } from './errors.js';
export { ProducerStateManager, PRODUCER_WINDOW, type SequenceCheck } from './producer-state.js';
export { decodeBatch, type DecodedBatch, type DecodedRecord } from './records.js';
export { renderBytes } from './render.js';
export { topicNameProblem, isValidTopicName } from './topic-name.js';
