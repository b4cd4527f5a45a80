/**
 * Faults in tests (cleared however the test ends; a leak fails the test; seeded
 * percentages repeat) and per-test reports (written on failure, credentials redacted).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeakedFaultError, startSystem, type DevmodeSystem } from '../../../src/index.js';
import { TextRedactor } from '../../../src/harness/redact-text.js';
import { FIXTURE, get } from './system.js';

let system: DevmodeSystem;
let reports: string;

beforeAll(async () => {
  reports = mkdtempSync(path.join(tmpdir(), 'devmode-reports-'));
  system = await startSystem({ file: FIXTURE, services: ['front'], reportDir: reports, env: { API_TOKEN: 's3cr3t-token-value' }, seed: 42 });
});

afterAll(async () => {
  await system?.stop();
  rmSync(reports, { recursive: true, force: true });
});

const faultIds = () => system.snapshot().faults.map((f) => f.id);

describe('faults in tests', () => {
  it('await using clears the fault when the block throws', async () => {
    const block = async () => {
      await using fault = await system.fault({ caller: 'front', callee: 'back', cut: true });
      expect(faultIds()).toEqual([fault.id]);
      // the caller sees a refused connection (the fixture answers 599 for that)
      expect((await get(`${system.url('front')}/call/back/hello`)).status).toBe(599);
      throw new Error('assertion failed inside');
    };
    await expect(block()).rejects.toThrow('assertion failed inside');
    expect(faultIds()).toEqual([]);
    expect((await get(`${system.url('front')}/call/back/hello`)).status).toBe(200);
  });

  it('withFault clears the fault however fn ends', async () => {
    await expect(system.withFault({ caller: 'front', callee: 'back', status: 503 }, async () => {
      expect((await get(`${system.url('front')}/call/back/hello`)).status).toBe(503);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(faultIds()).toEqual([]);
  });

  it('a fault left set when a test ends fails it, is cleared, and is named', async () => {
    await system.beginTest('leaky test');
    await system.fault({ id: 'forgotten', caller: 'front', callee: 'back', status: 500 });
    const error = await system.endTest({ failed: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeakedFaultError);
    expect((error as Error).message).toBe(
      "a fault set in test 'leaky test' was still in force when it ended: forgotten (front -> back: status 500). devmode cleared it now; clear faults in the test: `await using fault = await system.fault(rule)` or `await system.withFault(rule, async () => { ... })`.",
    );
    expect(faultIds()).toEqual([]);
    // the leak made the test fail, so it has a report
    expect(readFileSync(path.join(reports, 'leaky-test', 'summary.txt'), 'utf8')).toContain('forgotten (front -> back: status 500)');
  });

  it('seeded percentages repeat exactly on a fresh system with the same seed', async () => {
    const run = async (s: DevmodeSystem) => {
      const statuses: number[] = [];
      await s.withFault({ id: 'flaky', caller: 'front', callee: 'back', percent: 50, status: 503 }, async () => {
        for (let i = 0; i < 16; i++) statuses.push((await get(`${s.url('front')}/call/back/hello`)).status);
      });
      return statuses;
    };
    const first = await run(system);
    await using again = await startSystem({ file: FIXTURE, services: ['front'], seed: 42 });
    const second = await run(again);
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });
});

describe('reports', () => {
  it('writes a failed test’s calls, messages, logs and faults, credentials redacted', async () => {
    await system.beginTest('checkout > pays with a card');
    await get(`${system.url('front')}/log?text=${encodeURIComponent('connecting with password=hunter22 and Authorization: Bearer abc.def.ghi')}`);
    await get(`${system.url('front')}/log?text=${encodeURIComponent('token from env: s3cr3t-token-value')}`);
    await system.produce({ topic: 'events', key: 'k', value: JSON.stringify({ card: '4111', api_key: 'AKIA-123456' }) });
    await get(`${system.url('front')}/call/back/hello`);
    await system.fault({ id: 'slow', caller: 'front', callee: 'back', delay: 1 });
    // the fault was left set: a leak, and the report shows it as it was when the test ended
    const leak = (await system.endTest({ failed: true, error: new Error('expected 201, got 500') }).catch((e: unknown) => e)) as LeakedFaultError & { report?: string };
    expect(leak).toBeInstanceOf(LeakedFaultError);
    const report = leak.report;
    expect(report).toBe(path.join(reports, 'checkout-pays-with-a-card'));
    const dir = report!;
    expect(readdirSync(dir).sort()).toEqual(['calls.jsonl', 'faults.json', 'logs', 'messages', 'summary.txt']);
    const summary = readFileSync(path.join(dir, 'summary.txt'), 'utf8');
    expect(summary).toContain('test: checkout > pays with a card\nfailed:\n  expected 201, got 500\n');
    const calls = readFileSync(path.join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { from: string; to: string; path: string });
    expect(calls.some((c) => c.from === 'front' && c.to === 'back' && c.path === '/hello')).toBe(true);
    const messages = readFileSync(path.join(dir, 'messages', 'events.jsonl'), 'utf8');
    expect(messages).toContain('4111');
    expect(messages).not.toContain('AKIA-123456');
    const log = readFileSync(path.join(dir, 'logs', 'front.0.log'), 'utf8');
    expect(log).toContain('password=[redacted]');
    expect(log).toContain('Authorization: [redacted]');
    expect(log).toContain('token from env: [redacted]');
    for (const secret of ['hunter22', 'abc.def.ghi', 's3cr3t-token-value']) expect(log).not.toContain(secret);
    expect(existsSync(path.join(dir, 'logs', 'back.0.log'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'faults.json'), 'utf8'))).toMatchObject([{ id: 'slow' }]);
  });

  it('writes no report for a passing test (by default)', async () => {
    await system.beginTest('passes quietly');
    expect(await system.endTest({ failed: false })).toEqual({ report: undefined });
    expect(existsSync(path.join(reports, 'passes-quietly'))).toBe(false);
  });
});

describe('TextRedactor', () => {
  it('redacts sensitive names in every common spelling, URL passwords and known secrets', () => {
    const r = new TextRedactor(['literal-secret']);
    expect(r.redact('{"password":"p1","user":"ada","x-api-key":"k"}')).toBe('{"password":"[redacted]","user":"ada","x-api-key":"[redacted]"}');
    expect(r.redact('DB_PASSWORD=abc session_id=9 color=red')).toBe('DB_PASSWORD=[redacted] session_id=[redacted] color=red');
    expect(r.redact('cookie: a=b; path=/')).toBe('cookie: [redacted]; path=/');
    expect(r.redact('postgres://app:pw@db:5432/x')).toBe('postgres://app:[redacted]@db:5432/x');
    expect(r.redact('Authorization: Basic dXNlcjpwYXNz')).toBe('Authorization: [redacted]');
    expect(r.redact('curl -H "x: Bearer eyJhbGciOi.x.y"')).toBe('curl -H "x: Bearer [redacted]"');
    expect(r.redact('sent literal-secret twice: literal-secret')).toBe('sent [redacted] twice: [redacted]');
    expect(r.redact('nothing to hide here: status=200')).toBe('nothing to hide here: status=200');
  });
});
