import { describe, expect, test } from 'vitest';
import { parseFaultInput } from '../../../src/admin/fault-input.js';
import { AdminHttpError } from '../../../src/admin/http-json.js';

function refusal(body: unknown): { status: number; message: string; hint: string | undefined } {
  try {
    parseFaultInput(body);
  } catch (error) {
    if (error instanceof AdminHttpError) return { status: error.status, message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseFaultInput', () => {
  test('accepts each action kind and keeps only what was given', () => {
    expect(parseFaultInput({ caller: 'shipping', callee: 'user', delay: '200ms', jitter: 50, percent: 25 })).toEqual({ caller: 'shipping', callee: 'user', delay: '200ms', jitter: 50, percent: 25 });
    expect(parseFaultInput({ callee: 'user', status: 503, body: 'down', methods: ['get', 'POST'] })).toEqual({ callee: 'user', status: 503, body: 'down', methods: ['GET', 'POST'] });
    expect(parseFaultInput({ callee: 'user', cut: true, abort: false })).toEqual({ callee: 'user', cut: true });
    expect(parseFaultInput({ id: 'x', drop: true, path: '/api/*' })).toEqual({ id: 'x', drop: true, path: '/api/*' });
    expect(parseFaultInput({ broker: { down: true } })).toEqual({ callee: 'kafka', broker: { down: true } });
    expect(parseFaultInput({ callee: 'kafka', broker: { topic: 'orders', produceError: 6 } })).toEqual({ callee: 'kafka', broker: { topic: 'orders', produceError: 6 } });
    expect(parseFaultInput({ broker: { pauseGroup: 'g' }, percent: 0 })).toMatchObject({ percent: 0, broker: { pauseGroup: 'g' } });
  });

  test.each([
    [undefined, /no body/],
    [[1], /must be a JSON object/],
    [{ callee: 'user' }, /no action/],
    [{ delay: 1, status: 500 }, /2 actions \(delay, status\)/],
    [{ cut: true, percent: -1 }, /percent must be a number from 0 to 100, got -1/],
    [{ cut: true, percent: '50' }, /percent must be a number/],
    [{ delay: 'soon' }, /delay must be milliseconds or a duration/],
    [{ status: 503, jitter: 5 }, /jitter only goes with delay/],
    [{ abort: true, body: 'x' }, /body only goes with status/],
    [{ status: 200.5 }, /HTTP status code/],
    [{ cut: 'yes' }, /cut must be true/],
    [{ callee: '', cut: true }, /callee must be a non-empty string/],
    [{ id: 'a/b', cut: true }, /do not fit in a URL path/],
    [{ methods: 'GET', cut: true }, /methods must be a list/],
    [{ broker: { down: true, pauseGroup: 'g' } }, /2 actions/],
    [{ broker: { produceError: 6 } }, /needs broker.topic/],
    [{ broker: { dwon: true } }, /unknown key "broker.dwon"/],
    [{ callee: 'user', broker: { down: true } }, /callee "kafka"/],
  ])('%j is refused: %s', (body, message) => {
    const r = refusal(body);
    expect(r.status).toBe(400);
    expect(r.message).toMatch(message);
    expect(r.hint).toBeTruthy();
  });

  test('suggests the key that was meant', () => {
    expect(refusal({ precent: 5, cut: true }).hint).toBe('did you mean "percent"?');
    expect(refusal({ zzzzzzzz: 1 }).hint).toMatch(/^known keys: id, caller/);
  });
});
