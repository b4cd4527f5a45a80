import { describe, expect, it } from 'vitest';
import { renderStatus } from '../../../src/cli/admin-client/render-status.js';
import type { SystemSnapshot } from '../../../src/core/contracts.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const base: SystemSnapshot = {
  name: 'shop', gatewayUrl: 'http://127.0.0.1:9000', locatorUrl: '', kafkaBrokers: '127.0.0.1:9092', services: [], edges: [], routes: [],
  topology: { observed: [], undeclared: [], unused: [] },
  topics: [{ name: 'ledger', partitions: [{ partition: 0, logStartOffset: 0, highWatermark: 12, lastStableOffset: 10, sizeBytes: 900 }], messagesPerSec: 0, bytesPerSec: 0 }],
  groups: [], transactions: [], faults: [],
};

describe('devmode status', () => {
  it('lists open transactions: id, producer/epoch, partitions from their first offset, age, time left, groups; escaped', () => {
    const text = renderStatus({
      ...base,
      transactions: [
        { transactionalId: 'ledger-tx', producerId: 1764000000000001, epoch: 3, state: 'Ongoing', startedAt: NOW - 5_000, timeoutMs: 60_000, partitions: [{ topic: 'ledger', partition: 0, firstOffset: 10 }, { topic: 'ledger', partition: 1, firstOffset: null }], groups: ['billing'] },
        { transactionalId: 'x\u001b]0;pwned\u0007', producerId: 9, epoch: 0, state: 'Ongoing', startedAt: NOW, timeoutMs: 10_000, partitions: [], groups: [] },
      ],
    }, { enabled: false }, NOW);
    expect(text).toContain('TRANSACTIONS');
    expect(text).toMatch(/ledger-tx\s+1764000000000001\/3\s+ledger\[0\]@10 ledger\[1\]\s+5\.0 s\s+55 s\s+billing/);
    expect(text).toMatch(/x\\x1b\]0;pwned\\x07\s+9\/0\s+-\s+0\.0 s\s+10 s\s+-/);
    expect(text).not.toContain('\u001b');
  });

  it('has no transactions section when none is open, nor for an older devmode\'s state without the field', () => {
    expect(renderStatus(base, { enabled: false }, NOW)).not.toContain('TRANSACTIONS');
    const { transactions: _none, ...older } = base;
    expect(renderStatus(older as SystemSnapshot, { enabled: false }, NOW)).not.toContain('TRANSACTIONS');
  });
});
