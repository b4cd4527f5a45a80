import { describe, expect, test } from 'vitest';
import type { FaultRuleInput } from '../../../src/core/contracts.js';
import { FaultInputError, ruleFromInput } from '../../../src/mesh/faults/index.js';

const SERVICES = ['order', 'user', 'shipping'];

function refusal(input: unknown): FaultInputError {
  try {
    ruleFromInput(input as FaultRuleInput, (input as { id?: string } | null)?.id ?? 'rule-1', SERVICES);
  } catch (error) {
    if (error instanceof FaultInputError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ruleFromInput: the one fault language', () => {
  test('accepts each action kind, with durations in the config grammar', () => {
    expect(ruleFromInput({ caller: 'shipping', callee: 'user', delay: '1m30s', jitter: 50, percent: 25 }, 'r', SERVICES)).toEqual({
      id: 'r', caller: 'shipping', callee: 'user', path: '*', methods: [], percent: 25, action: { kind: 'delay', ms: 90_000, jitterMs: 50 },
    });
    expect(ruleFromInput({ callee: 'user', delay: '1h' }, 'r').action).toEqual({ kind: 'delay', ms: 3_600_000, jitterMs: 0 });
    expect(ruleFromInput({ callee: 'user', status: 503, body: 'down', methods: ['get', 'POST'] }, 'r')).toMatchObject({ methods: ['GET', 'POST'], action: { kind: 'status', status: 503, body: 'down' } });
    expect(ruleFromInput({ callee: 'user', cut: true, abort: false }, 'r').action).toEqual({ kind: 'cut' });
    expect(ruleFromInput({ id: 'x', drop: true, path: '/api/*' }, 'x')).toMatchObject({ path: '/api/*', action: { kind: 'drop' } });
    expect(ruleFromInput({ broker: { down: true } }, 'r')).toMatchObject({ callee: 'kafka', action: { kind: 'broker-down' } });
    expect(ruleFromInput({ callee: 'kafka', broker: { topic: 'orders', produceError: 6 } }, 'r').action).toEqual({ kind: 'produce-error', topic: 'orders', errorCode: 6 });
    expect(ruleFromInput({ broker: { topic: 'orders', deliveryDelayMs: '2s' as unknown as number } }, 'r').action).toEqual({ kind: 'delivery-delay', topic: 'orders', ms: 2000 });
    expect(ruleFromInput({ broker: { pauseGroup: 'g' }, percent: 0 }, 'r')).toMatchObject({ percent: 0, action: { kind: 'pause-group', group: 'g' } });
  });

  test.each([
    [[1], /must be a JSON object/],
    [{ callee: 'user' }, /has no action/],
    [{ delay: 1, status: 500 }, /2 actions \(delay, status\)/],
    [{ cut: true, percent: -1 }, /percent must be a number from 0 to 100, got -1/],
    [{ cut: true, percent: '50' }, /percent must be a number/],
    [{ delay: 'soon' }, /delay of the fault rule must be milliseconds or a duration, got "soon"/],
    [{ delay: '5 minutes' }, /must be milliseconds or a duration/],
    [{ status: 503, jitter: 5 }, /jitter only goes with delay/],
    [{ abort: true, body: 'x' }, /body only goes with status/],
    [{ status: 200.5 }, /HTTP status code/],
    [{ cut: 'yes' }, /cut must be true/],
    [{ callee: '', cut: true }, /callee of the fault rule must be a non-empty string/],
    [{ id: 'a/b', cut: true }, /do not fit in a URL path/],
    [{ methods: 'GET', cut: true }, /methods of the fault rule must be a list/],
    [{ calee: 'user', cut: true }, /unknown key "calee"/],
    [{ callee: 'usr', cut: true }, /callee 'usr' of the fault rule is not a service/],
    [{ callee: 'kafka', cut: true }, /takes a broker action/],
    [{ broker: { down: true, pauseGroup: 'g' } }, /2 actions/],
    [{ broker: { produceError: 6 } }, /needs broker.topic/],
    [{ broker: { dwon: true } }, /unknown key "broker.dwon"/],
    [{ callee: 'user', broker: { down: true } }, /callee is "kafka", not "user"/],
    [{ path: '/api/**/x/**', cut: true }, /path/],
  ])('%j is refused: %s', (input, message) => {
    const e = refusal(input);
    expect(e.message).toMatch(message);
    expect(e).toMatchObject({ userError: true, status: 400 });
    expect(e.hint).toBeTruthy();
  });

  test('a misspelt key or service gets a suggestion', () => {
    expect(refusal({ calee: 'user', cut: true }).hint).toBe('did you mean "callee"?');
    expect(refusal({ callee: 'usr', cut: true }).hint).toBe("did you mean 'user'?");
  });
});
