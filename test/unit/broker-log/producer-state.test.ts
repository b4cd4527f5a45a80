import { describe, expect, it } from 'vitest';
import { ProducerStateManager } from '../../../src/broker/log/producer-state.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

describe('idempotent producer state', () => {
  it('allocates distinct producer ids with epoch 0', () => {
    const m = new ProducerStateManager({ firstProducerId: 1000n });
    expect(m.initProducerId()).toEqual({ producerId: 1000n, producerEpoch: 0 });
    expect(m.initProducerId()).toEqual({ producerId: 1001n, producerEpoch: 0 });
    const a = new ProducerStateManager().initProducerId().producerId;
    expect(a).toBeGreaterThan(0n);
  });

  it('accepts in-order batches, answers duplicates with the original offset, refuses gaps', () => {
    const m = new ProducerStateManager();
    const pid = 7n;
    let offset = 0n;
    const produce = (seq: number, count: number) => {
      const r = m.check('t', 0, pid, 0, seq, count);
      if (r.kind === 'append') {
        m.record('t', 0, pid, 0, seq, count, offset);
        offset += BigInt(count);
      }
      return r;
    };
    expect(produce(0, 3)).toEqual({ kind: 'append' });
    expect(produce(3, 2)).toEqual({ kind: 'append' });
    expect(produce(0, 3)).toEqual({ kind: 'duplicate', baseOffset: 0n });
    expect(produce(3, 2)).toEqual({ kind: 'duplicate', baseOffset: 3n });
    expect(produce(9, 1)).toMatchObject({ kind: 'error', code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    for (let s = 5; s < 5 + 5; s++) expect(produce(s, 1).kind).toBe('append');
    // Only the last 5 batches are remembered: the first is now out of the window.
    expect(produce(0, 3)).toMatchObject({ kind: 'error', code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(produce(9, 1)).toEqual({ kind: 'duplicate', baseOffset: 9n });
    // Other partitions and producers are independent.
    expect(m.check('t', 1, pid, 0, 42, 1).kind).toBe('append');
    expect(m.check('t', 0, 8n, 0, 42, 1).kind).toBe('append');
  });

  it('handles epochs: stale refused, new epoch must start at 0', () => {
    const m = new ProducerStateManager();
    m.record('t', 0, 1n, 2, 0, 1, 0n);
    expect(m.check('t', 0, 1n, 1, 1, 1)).toMatchObject({ kind: 'error', code: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(m.check('t', 0, 1n, 3, 5, 1)).toMatchObject({ kind: 'error', code: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(m.check('t', 0, 1n, 3, 0, 1)).toEqual({ kind: 'append' });
    m.record('t', 0, 1n, 3, 0, 1, 1n);
    expect(m.check('t', 0, 1n, 2, 1, 1)).toMatchObject({ kind: 'error', code: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(m.check('t', 0, 1n, 3, 1, 1)).toEqual({ kind: 'append' });
  });

  it('wraps sequences at 2^31-1, ignores non-idempotent batches, forgets topics, stays bounded', () => {
    const m = new ProducerStateManager({ maxEntries: 3 });
    m.record('t', 0, 1n, 0, 0x7ffffffe, 2, 0n);
    expect(m.check('t', 0, 1n, 0, 0, 1)).toEqual({ kind: 'append' });
    expect(m.check('t', 0, -1n, -1, -1, 1)).toEqual({ kind: 'append' });
    m.record('t', 0, -1n, -1, -1, 1, 5n);
    expect(m.size).toBe(1);
    m.record('u', 0, 1n, 0, 0, 1, 0n);
    m.record('u', 1, 1n, 0, 0, 1, 0n);
    m.record('u', 2, 1n, 0, 0, 1, 0n);
    expect(m.size).toBe(3);
    m.forgetTopic('u');
    expect(m.size).toBe(0);
  });
});
