import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/config/diagnostic.js';
import { formatDiagnostics } from '../../../src/config/format.js';

const source = ['services:', '  order:', '    comand: node server.mjs', '    instances: two', ''].join('\n');
const diagnostics: Diagnostic[] = [
  { severity: 'error', message: "unknown key 'comand' in service 'order'", hint: "did you mean 'command'?", file: 'devmode.yaml', line: 3, col: 5, length: 6 },
  { severity: 'warning', message: 'something odd', file: 'devmode.yaml', line: 4, col: 16 },
];

describe('formatDiagnostics', () => {
  it('prints file:line:col, the source line, a squiggle under the span and the hint', () => {
    expect(formatDiagnostics(diagnostics, { color: false, source })).toBe(
      [
        "devmode.yaml:3:5: error: unknown key 'comand' in service 'order'",
        ' 3 |     comand: node server.mjs',
        '   |     ^~~~~~',
        "  hint: did you mean 'command'?",
        'devmode.yaml:4:16: warning: something odd',
        ' 4 |     instances: two',
        '   |                ^',
        '1 error, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('prints headline and hint only when the source is not given', () => {
    expect(formatDiagnostics(diagnostics.slice(0, 1), { color: false })).toBe(
      "devmode.yaml:3:5: error: unknown key 'comand' in service 'order'\n  hint: did you mean 'command'?\n1 error\n",
    );
  });

  it('colours only when asked', () => {
    const coloured = formatDiagnostics(diagnostics, { color: true, source });
    expect(coloured).toContain('\x1b[31merror:\x1b[0m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(formatDiagnostics(diagnostics, { color: false, source }));
    expect(formatDiagnostics(diagnostics, { color: false, source })).not.toContain('\x1b');
  });

  it('clips a squiggle that would run past the end of the line', () => {
    const long: Diagnostic = { severity: 'error', message: 'x', file: 'f', line: 1, col: 3, length: 99 };
    expect(formatDiagnostics([long], { color: false, source: 'abcdef' }).split('\n')[2]).toBe('   |   ^~~~');
  });
});
