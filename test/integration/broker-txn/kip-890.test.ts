/**
 * KIP-890 (transactions v2) is not served, and the broker says so the way Kafka 3.x does:
 * the transaction APIs stop at the versions before it (AddPartitionsToTxn 3, EndTxn 3,
 * Produce 11, InitProducerId 4) and ApiVersions finalizes no feature (no
 * `transaction.version`), so a client that knows KIP-890 (the Java client 4, librdkafka,
 * @platformatic/kafka 2, whose transactions test passes beside this one) stays on v1
 * transactions instead of sending requests the broker would not understand.
 */
import { describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/broker.js';
import { apiVersions } from './txn-wire.js';

describe('KIP-890', () => {
  it('is not advertised: transaction APIs before it, no finalized features', async () => {
    const { bootstrap } = await startTestBroker();
    const { versions, tags } = await apiVersions(bootstrap);
    expect(versions.get(0)).toEqual([0, 11]); // Produce: v12 is KIP-890's
    expect(versions.get(22)).toEqual([0, 4]); // InitProducerId: v5 is KIP-890's, v6 KIP-939's
    expect(versions.get(24)).toEqual([0, 3]); // AddPartitionsToTxn: v4 for brokers, v5 KIP-890's
    expect(versions.get(25)).toEqual([0, 3]); // AddOffsetsToTxn: v4 KIP-890's
    expect(versions.get(26)).toEqual([0, 3]); // EndTxn: v4 KIP-890's error, v5 its epoch bump
    expect(versions.get(28)).toEqual([0, 3]); // TxnOffsetCommit: v4 KIP-890's
    expect(tags).toEqual([]); // no SupportedFeatures (tag 0) nor FinalizedFeatures (tag 2): no transaction.version 2
  });
});
