import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeDeep, terminalSafeOutput } from '../../../src/util/terminal-safe.js';

const ESC = '\u001b';

describe('terminalSafe', () => {
  it('shows every control character as a visible escape, so none reaches the terminal', () => {
    const clientId = `${ESC}[2J${ESC}]0;PWNED\u0007`;
    expect(terminalSafe(clientId)).toBe('\\x1b[2J\\x1b]0;PWNED\\x07');
    expect(terminalSafe('a\nweb.0   | ready\r')).toBe('a\\nweb.0   | ready\\r');
    expect(terminalSafe('\u009b31m \u007f \u202eevil')).toBe('\\x9b31m \\x7f \\u202eevil');
    expect(terminalSafe('/api/orders\tcafé ✓')).toBe('/api/orders\tcafé ✓');
  });

  it('returns clean text as it is', () => {
    const text = 'order-service';
    expect(terminalSafe(text)).toBe(text);
  });
});

describe('terminalSafeOutput', () => {
  it("keeps a service's colours and newlines, escapes every other sequence", () => {
    const line = `${ESC}[32mok${ESC}[39m ${ESC}[2J${ESC}]52;c;ZXZpbA==\u0007 done\nnext`;
    expect(terminalSafeOutput(line, true)).toBe(`${ESC}[32mok${ESC}[39m \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 done\nnext`);
    expect(terminalSafeOutput(line, false)).toBe('ok \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 done\nnext');
  });
});

describe('terminalSafeDeep', () => {
  it('makes every string of a value safe, output keys keeping their colours, and shares clean parts', () => {
    const clean = { service: 'web', instance: 0 };
    const event = { type: 'log', ref: clean, line: `${ESC}[31mred${ESC}[39m${ESC}[H`, tags: ['a', `b${ESC}c`] };
    const safe = terminalSafeDeep(event, new Set(['line']));
    expect(safe).toEqual({ type: 'log', ref: clean, line: `${ESC}[31mred${ESC}[39m\\x1b[H`, tags: ['a', 'b\\x1bc'] });
    expect(safe.ref).toBe(clean);
    expect(terminalSafeDeep(clean)).toBe(clean);
  });
});
