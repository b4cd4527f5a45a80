/**
 * What AddPartitionsToTxn, AddOffsetsToTxn and EndTxn share: their versions (0-3, flexible
 * from 3; KIP-890's v4+ not served, see README) and the producer they open with.
 */
import type { Reader } from '../protocol/reader.js';

/** The versions served of the transaction APIs a producer calls (KIP-890's later ones are not). */
export const TXN_API_VERSIONS = { minVersion: 0, maxVersion: 3, firstFlexibleVersion: 3 } as const;

/** The transactional id, producer id and epoch a transaction request opens with. */
export function readTxnProducer(req: Reader, flex: boolean): { transactionalId: string; producerId: bigint; epoch: number } {
  const transactionalId = req.str(flex);
  const producerId = req.int64();
  const epoch = req.int16();
  return { transactionalId, producerId, epoch };
}
