/**
 * W3C trace context (`traceparent`) headers of produced records, for linking a request to
 * the messages it caused. Read only where it is cheap: uncompressed batches of a few
 * records that contain the header name at all; bulk and compressed batches are never decoded.
 */
import { Attr, BATCH_HEADER_SIZE, BatchField } from '../log/batch.js';
import { decodeBatch } from '../log/records.js';

/** Batches with more records than this are not decoded. */
export const MAX_TRACED_RECORDS = 32;
/** ... nor batches larger than this. */
export const MAX_TRACED_BYTES = 64 * 1024;

/** A traceparent is 55 characters; anything much longer is not one. */
const MAX_VALUE_LENGTH = 128;
const HEADER = 'traceparent';
const HEADER_BYTES = Buffer.from(HEADER);

/**
 * The distinct `traceparent` header values of a produced batch, in record order; undefined
 * when there are none or the batch is not one this looks into. Never throws.
 */
export function traceparentsOf(batch: Buffer): string[] | undefined {
  if (batch.length > MAX_TRACED_BYTES || batch.length < BATCH_HEADER_SIZE) return undefined;
  if ((batch.readInt16BE(BatchField.attributes) & Attr.codecMask) !== 0) return undefined;
  if (batch.readInt32BE(BatchField.recordCount) > MAX_TRACED_RECORDS) return undefined;
  // the cheap test first: most batches carry no such header
  if (batch.indexOf(HEADER_BYTES, BATCH_HEADER_SIZE) < 0) return undefined;
  let found: string[] | undefined;
  try {
    for (const record of decodeBatch(batch).records) {
      for (const h of record.headers) {
        if (h.key.toLowerCase() !== HEADER || h.value === null) continue;
        const value = h.value.toString('latin1').trim();
        if (value === '' || value.length > MAX_VALUE_LENGTH) continue;
        found ??= [];
        if (!found.includes(value)) found.push(value);
      }
    }
  } catch {
    return undefined; // a malformed record section: the batch is stored as sent all the same
  }
  return found && found.length > 0 ? found : undefined;
}
