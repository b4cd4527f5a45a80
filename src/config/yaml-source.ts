/**
 * devmode.yaml as text, YAML AST and line counter, so any problem found in the parsed
 * value can be pointed at the exact key or value that caused it.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

/** A path into the parsed value: map keys and sequence indexes. */
export type ConfigPath = readonly (string | number)[];

/** Whether a diagnostic points at a map key (`comand:`) or at the value under it. */
export type Target = 'key' | 'value';

interface Span {
  readonly line: number;
  readonly col: number;
  readonly length: number;
}

/** Aliases expand to at most this many nodes, so a "billion laughs" file fails fast. */
const MAX_ALIAS_COUNT = 1000;

/** One parsed config file. Build with {@link ConfigSource.parse}. */
export class ConfigSource {
  readonly file: string;
  readonly text: string;
  readonly #doc: Document;
  readonly #lines: LineCounter;

  private constructor(file: string, text: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.#doc = doc;
    this.#lines = lines;
  }

  /**
   * Parses YAML keeping positions. Syntax problems come back as diagnostics at the
   * yaml library's own position; `value` is undefined when the file cannot be used.
   */
  static parse(text: string, file: string): { source: ConfigSource; value: unknown; diagnostics: Diagnostic[] } {
    const lines = new LineCounter();
    // merge: docker compose files commonly share settings with `<<: *anchor`.
    // logLevel 'error': the library would otherwise print its own warnings to stderr.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true, logLevel: 'error' });
    const source = new ConfigSource(file, text, doc, lines);
    const diagnostics: Diagnostic[] = [];
    for (const error of doc.errors) {
      if (error.code === 'DUPLICATE_KEY') {
        // The library says "Map keys must be unique"; name the key, which is what the user looks for.
        const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0].trim().replace(/^["']|["']$/g, '') ?? '';
        const d = source.#at(error.pos[0], error.pos[0] + key.length, 'error', `duplicate key '${key}'`);
        diagnostics.push({ ...d, hint: 'a key may appear only once in a mapping; merge the two entries' });
        continue;
      }
      if (error.code === 'MULTIPLE_DOCS') {
        const d = source.#at(error.pos[0], error.pos[1], 'error', 'the file holds more than one YAML document (---)');
        diagnostics.push({ ...d, hint: 'keep everything in one document' });
        continue;
      }
      diagnostics.push(source.#at(error.pos[0], error.pos[1], 'error', yamlMessage(error.code, error.message)));
    }
    for (const warning of doc.warnings) {
      diagnostics.push(source.#at(warning.pos[0], warning.pos[1], 'warning', yamlMessage(warning.code, warning.message)));
    }
    if (doc.errors.length > 0) return { source, value: undefined, diagnostics };
    try {
      return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), diagnostics };
    } catch (error) {
      // toJS throws only for alias abuse (excessive or unresolvable aliases).
      const message = error instanceof Error ? error.message : String(error);
      diagnostics.push({ ...source.#span(0, 0), severity: 'error', file, message: `cannot expand YAML aliases: ${message}` });
      return { source, value: undefined, diagnostics };
    }
  }

  /** A diagnostic at the node for `path` (its key or its value). */
  diag(path: ConfigPath, target: Target, message: string, hint?: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
    const span = this.locate(path, target);
    return { severity, message, ...(hint === undefined ? {} : { hint }), file: this.file, ...span };
  }

  /**
   * Where `path` is written. Falls back to the closest written ancestor (e.g. a key that
   * came in through a `<<` merge has no node of its own).
   */
  locate(path: ConfigPath, target: Target): Span {
    let node: unknown = this.#doc.contents;
    let keyNode: unknown = undefined;
    for (const segment of path) {
      const found = this.#child(node, segment);
      if (!found) break;
      node = found.value;
      keyNode = found.key;
    }
    const value = isAlias(node) ? node : (node as Node | null | undefined);
    const valueRange = value?.range;
    const hasValue = valueRange !== undefined && valueRange !== null && valueRange[1] > valueRange[0];
    // A block mapping or list starts on the next line: its key says more than its first child.
    const blockCollection = isCollection(value) && !value.flow;
    const useKey = keyNode !== undefined && (target === 'key' || !hasValue || blockCollection);
    const range = useKey ? (keyNode as Node).range : valueRange;
    if (!range) return { line: 1, col: 1, length: 0 };
    return this.#span(range[0], range[1]);
  }

  #child(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
    const resolved = isAlias(node) ? node.resolve(this.#doc) : node;
    if (isMap(resolved)) {
      for (const pair of resolved.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (String(key) === String(segment)) {
          const value = isAlias(pair.value) ? pair.value.resolve(this.#doc) ?? pair.value : pair.value;
          return { key: pair.key, value };
        }
      }
      return undefined;
    }
    if (isSeq(resolved) && typeof segment === 'number') {
      const item = resolved.items[segment];
      return item === undefined ? undefined : { key: undefined, value: isAlias(item) ? item.resolve(this.#doc) ?? item : item };
    }
    return undefined;
  }

  #span(start: number, end: number): Span {
    const from = this.#lines.linePos(start);
    // Underline at most to the end of the first line.
    const lineEnd = this.text.indexOf('\n', start);
    const stop = Math.min(end, lineEnd === -1 ? this.text.length : lineEnd);
    return { line: from.line, col: from.col, length: Math.max(0, stop - start) };
  }

  #at(start: number, end: number, severity: Diagnostic['severity'], message: string): Diagnostic {
    return { severity, message, file: this.file, ...this.#span(start, end) };
  }
}

/** The yaml library's message, minus its trailing position/context so ours stays one line. */
function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '').trim() ?? code;
  return `YAML syntax: ${first.charAt(0).toLowerCase()}${first.slice(1).replace(/\.$/, '')}`;
}
