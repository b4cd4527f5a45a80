/** The `faults:` extensions the mesh reads: broker rules and faults_seed, parsed and checked by config/. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { FaultTable } from '../../../src/mesh/faults/index.js';

const parse = (faults: string) => parseConfig(`services:\n  user: {command: node x}\n${faults}`, '/tmp/devmode.yaml', { checkFiles: false });

describe('broker faults and faults_seed in devmode.yaml', () => {
  it('builds broker rules and the seed', () => {
    const result = parse(
      [
        'faults_seed: 1234',
        'faults:',
        '  - broker: {down: true}',
        '  - {callee: kafka, broker: {topic: orders, produce_error: 7}}',
        '  - {id: slow-orders, broker: {topic: orders, delivery_delay: 2s}}',
        '  - {broker: {pause_group: user-group}, percent: 100}',
      ].join('\n'),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const config = result.value;
    expect(config.faultsSeed).toBe(1234);
    expect(config.faults.map((f) => [f.callee, f.action])).toEqual([
      ['kafka', { kind: 'broker-down' }],
      ['kafka', { kind: 'produce-error', topic: 'orders', errorCode: 7 }],
      ['kafka', { kind: 'delivery-delay', topic: 'orders', ms: 2000 }],
      ['kafka', { kind: 'pause-group', group: 'user-group' }],
    ]);
    const table = new FaultTable({ rules: config.faults, seed: config.faultsSeed });
    expect([table.down, table.produceError('orders'), table.deliveryDelayMs('orders'), table.groupPaused('user-group')]).toEqual([true, 7, 2000, true]);
  });

  it.each([
    ['faults:\n  - broker: {}', /'broker' of fault rule 1 has no action/],
    ['faults:\n  - broker: {down: true, pause_group: g}', /has both 'down' and 'pause_group'/],
    ['faults:\n  - {callee: user, broker: {down: true}}', /broker fault but its callee is 'user'/],
    ['faults:\n  - {path: /x, broker: {down: true}}', /'path' does not apply/],
    ['faults:\n  - {callee: kafka, abort: true}', /callee 'kafka' of fault rule 1 needs a broker action/],
    ['faults:\n  - broker: {down: true, topic: t}', /'topic' does not apply to 'down'/],
    ['faults_seed: -1\nfaults: []', /faults_seed/],
  ])('rejects %j with one clear message', (yaml, message) => {
    const result = parse(yaml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((d) => `${d.message} (${d.hint ?? ''})`).join('\n')).toMatch(message);
    expect(result.error[0]?.line).toBeGreaterThan(1);
  });
});
