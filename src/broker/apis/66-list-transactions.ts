/**
 * ListTransactions (key 66), v0; flexible.
 *
 * Lists the transactional ids InitProducerId has seen, with their producer id and state
 * ("Ongoing" or "Empty"), filtered by state and producer id as asked. A state filter that
 * names no Kafka transaction state is echoed in unknown_state_filters, as Kafka does.
 * Not done: v1's duration filter.
 */
import type { ApiHandler } from './api.js';
import { Writer } from '../protocol/writer.js';
import { ErrorCode } from '../protocol/error-codes.js';

const KAFKA_STATES = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']);

export const listTransactions: ApiHandler = {
  key: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 0,
  firstFlexibleVersion: 0,
  handle(req, _version, ctx) {
    const states = req.compactArray((r) => r.compactString());
    const producerIds = req.compactArray((r) => r.int64());
    req.tags(true);
    const t = ctx.broker.transactions;
    const listed = t.ids().flatMap((id) => {
      const d = t.describe(id);
      if (!d) return [];
      if (states.length > 0 && !states.includes(d.state)) return [];
      if (producerIds.length > 0 && !producerIds.includes(d.producerId)) return [];
      return [d];
    });
    const w = new Writer(64 + listed.length * 48);
    w.int32(0).int16(ErrorCode.NONE); // throttle_time_ms, error_code
    w.compactArray(
      states.filter((s) => !KAFKA_STATES.has(s)),
      (w, s) => w.compactString(s),
    );
    w.compactArray(listed, (w, d) => {
      w.compactString(d.transactionalId).int64(d.producerId).compactString(d.state).tags(true);
    });
    return w.tags(true);
  },
};
