/**
 * Diagnostics printed like a compiler's:
 *
 *     devmode.yaml:12:5: error: unknown key 'comand' in service 'order'
 *        12 |     comand: node server.mjs
 *           |     ^~~~~~
 *       hint: did you mean 'command'?
 */
import type { Diagnostic } from './diagnostic.js';

/** Options of {@link formatDiagnostics}. */
export interface FormatOptions {
  /** ANSI colours (for a terminal). */
  readonly color: boolean;
  /** the config text, to quote the offending line; without it only the headline and hint print */
  readonly source?: string;
}

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' } as const;

/** Formats diagnostics (in the order given), each ending with a newline, plus an error/warning count. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], options: FormatOptions): string {
  const paint = (code: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[code]}${text}${ANSI.reset}` : text);
  const lines = options.source?.split(/\r?\n/);
  const out: string[] = [];
  for (const d of diagnostics) {
    const colour = d.severity === 'error' ? 'red' : 'yellow';
    out.push(`${paint('bold', `${d.file}:${d.line}:${d.col}:`)} ${paint(colour, `${d.severity}:`)} ${d.message}`);
    const text = lines?.[d.line - 1];
    if (text !== undefined && text.trim() !== '') {
      const gutter = String(d.line).length;
      const visible = text.replace(/\t/g, ' ');
      const width = Math.max(1, Math.min(d.length ?? 1, visible.length - (d.col - 1)));
      const marker = `^${'~'.repeat(width - 1)}`;
      out.push(`${paint('dim', ` ${String(d.line)} |`)} ${visible}`);
      out.push(`${paint('dim', ` ${' '.repeat(gutter)} |`)} ${' '.repeat(Math.max(0, d.col - 1))}${paint(colour, marker)}`);
    }
    if (d.hint !== undefined) out.push(`  ${paint('cyan', 'hint:')} ${d.hint}`);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const counts = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : ''].filter(Boolean);
  if (counts.length > 0) out.push(counts.join(', '));
  return out.map((line) => `${line}\n`).join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
