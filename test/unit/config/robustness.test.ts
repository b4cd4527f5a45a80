/** Odd and hostile input gets diagnostics, never an exception. */
import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigWithWarnings } from '../../../src/config/load.js';

const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  .concat(Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`))
  .join('\n');

const INPUTS: readonly (readonly [string, string])[] = [
  ['a scalar document', '42\n'],
  ['a list document', '- a\n- b\n'],
  ['services as a number', 'services: 42\n'],
  ['empty command list', 'services:\n  a:\n    command: []\n'],
  ['list in environment', 'services:\n  a:\n    command: node x\n    environment: {A: [1]}\n'],
  ['a number as condition mapping', 'services:\n  a:\n    command: node x\n    depends_on: {b: 5}\n  b:\n    command: node x\n'],
  ['non-string key', 'services:\n  ? [a, b]\n  : {command: node x}\n'],
  ['a binary tag', 'services:\n  a:\n    command: !!binary aGVsbG8=\n'],
  ['an undefined alias', 'services:\n  a: *nope\n'],
  ['alias bomb', `${laughs}\nservices: {a: {command: node x}}\n`],
  ['deep nesting', `services: ${'['.repeat(500)}${']'.repeat(500)}\n`],
  ['tabs', 'services:\n\ta:\n\t\tcommand: node x\n'],
  ['two documents', 'services: {}\n---\nservices: {}\n'],
  ['a NUL byte', 'services:\n  a:\n    command: "node \u0000"\n'],
  ['a huge port', 'services:\n  a:\n    command: node x\n    port: 1e400\n'],
  ['NaN instances', 'services:\n  a:\n    command: node x\n    instances: .nan\n'],
  ['a number as a service name', 'services:\n  1: {command: node x}\n'],
  ['faults not a list', 'services: {a: {command: node x}}\nfaults: {delay: 1s}\n'],
  ['a fault rule as a string', 'services: {a: {command: node x}}\nfaults: [cut]\n'],
];

describe('robustness', () => {
  it.each(INPUTS)('%s: diagnostics, no exception', (_, text) => {
    const result = parseConfig(text, '/tmp/devmode-robustness/devmode.yaml', { checkFiles: false });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.length).toBeGreaterThan(0);
    for (const d of result.error) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(d.message).not.toMatch(/\n|\bat .*\.ts:\d+/);
    }
  });
});

it('warns about an unknown YAML tag and keeps the value', () => {
  const result = parseConfigWithWarnings('services:\n  a:\n    command: !shell node x\n', '/tmp/x/devmode.yaml', { checkFiles: false });
  expect(result.ok && result.value.warnings.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
    '3:14 YAML syntax: unresolved tag: !shell',
  ]);
  expect(result.ok && result.value.config.services[0]).toMatchObject({ command: 'node x' });
});
