/**
 * devmode.yaml as text, YAML AST and line counter, so any problem found in the parsed
 * value can be pointed at the exact key or value that caused it.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { suggest } from '../util/suggest.js';
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
  readonly #index = new WeakMap<YAMLMap, Map<string, Pair>>();

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
    // uniqueKeys off: the library's check compares each key with every earlier one
    // (quadratic: 20,000 services took 4.5 s); duplicateKeys() below is linear.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: false, logLevel: 'error' });
    const source = new ConfigSource(file, text, doc, lines);
    const diagnostics: Diagnostic[] = [];
    const errors = doc.errors;
    for (let i = 0; i < errors.length; i++) {
      const error = errors[i]!;
      const next = errors[i + 1];
      if (error.code === 'MULTIPLE_DOCS') {
        const d = source.#at(error.pos[0], error.pos[1], 'error', 'the file holds more than one YAML document (---)');
        diagnostics.push({ ...d, hint: 'keep everything in one document' });
        continue;
      }
      if (error.code === 'BLOCK_AS_IMPLICIT_KEY' && next?.code === 'MULTILINE_IMPLICIT_KEY' && next.pos[0] === error.pos[0]) {
        // A line indented deeper than its key's siblings reads as the continuation of the
        // value above: the library points at that value; the mistake is the next line.
        diagnostics.push(source.#overIndented(error.pos[0], next.pos[1]));
        i++;
        continue;
      }
      diagnostics.push(source.#syntax(error.code, error.pos, error.message));
    }
    for (const warning of doc.warnings) {
      diagnostics.push(source.#at(warning.pos[0], warning.pos[1], 'warning', yamlMessage(warning.code, warning.message)));
    }
    if (doc.errors.length > 0) return { source, value: undefined, diagnostics };
    const duplicates = source.#duplicateKeys();
    if (duplicates.length > 0) return { source, value: undefined, diagnostics: [...diagnostics, ...duplicates] };
    const unresolved = source.#unresolvedAliases();
    if (unresolved.length > 0) return { source, value: undefined, diagnostics: [...diagnostics, ...unresolved] };
    try {
      return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), diagnostics };
    } catch (error) {
      // toJS throws only for alias abuse (excessive aliases, a merge of a non-mapping).
      const message = error instanceof Error ? error.message : String(error);
      diagnostics.push({ ...source.#span(0, 0), severity: 'error', file, message: `cannot expand YAML aliases: ${message}` });
      return { source, value: undefined, diagnostics };
    }
  }

  /** A YAML syntax error in our words, with a hint for the mistakes people make. */
  #syntax(code: string, pos: [number, number], message: string): Diagnostic {
    const text = this.text;
    const lineStart = text.lastIndexOf('\n', pos[0] - 1) + 1;
    const indentEnd = lineStart + (/^[ \t]*/.exec(text.slice(lineStart, lineStart + 1000))?.[0].length ?? 0);
    if (code === 'TAB_AS_INDENT') {
      return { ...this.#at(lineStart, indentEnd, 'error', 'YAML syntax: a tab indents this line'), hint: 'indent with spaces; YAML does not allow tabs for indentation' };
    }
    if (code === 'BAD_INDENT' && /end with an? [}\]]/.test(message)) {
      const closer = message.includes('}') ? '}' : ']';
      const opener = closer === '}' ? '{' : '[';
      const at = text.lastIndexOf(opener, pos[0]);
      if (at >= 0) {
        return { ...this.#at(at, at + 1, 'error', `YAML syntax: this '${opener}' is never closed`), hint: `close it with '${closer}' before the next key` };
      }
    }
    if (code === 'BAD_INDENT' && /same column/.test(message)) {
      const keyEnd = text.indexOf(':', indentEnd);
      const d = this.#at(indentEnd, keyEnd > indentEnd ? keyEnd : indentEnd + 1, 'error', 'YAML syntax: this key is not aligned with the keys above it');
      return { ...d, hint: 'indent it exactly like the other keys of its mapping' };
    }
    if (code === 'BLOCK_AS_IMPLICIT_KEY') {
      // `command: echo time: now`: the second ': ' starts a mapping inside a one-line value.
      const line = text.slice(lineStart, text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart));
      const m = /^(\s*(?:- )?)([^:#]+):\s+(.*\S)\s*$/.exec(line);
      const d = this.#at(pos[0], pos[1], 'error', "YAML syntax: a value containing ': ' reads as a nested mapping");
      const quoted = m ? `${m[2]}: ${JSON.stringify(m[3])}` : undefined;
      return { ...d, hint: quoted ? `quote the value: ${quoted}` : "quote the value ('...' or \"...\")" };
    }
    return this.#at(pos[0], pos[1], 'error', yamlMessage(code, message));
  }

  /** The first line after `start` (within `end`) is indented deeper than it may be. */
  #overIndented(start: number, end: number): Diagnostic {
    const text = this.text;
    const nl = text.indexOf('\n', start);
    const lineStart = nl === -1 || nl >= end ? start : nl + 1;
    const indent = /^ */.exec(text.slice(lineStart, lineStart + 1000))?.[0].length ?? 0;
    const keyStart = lineStart + indent;
    const colon = text.indexOf(':', keyStart);
    const d = this.#at(keyStart, colon > keyStart ? colon : keyStart + 1, 'error', 'YAML syntax: this line is indented deeper than the key above it');
    return { ...d, hint: 'indent it like the keys of the mapping it belongs to' };
  }

  /** Each key written twice in one mapping, at its second occurrence. One pass, a set per mapping. */
  #duplicateKeys(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const walk = (node: unknown, depth: number): void => {
      if (depth > 1000) return;
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? pair.key.value : pair.key;
          // `<<` merges may repeat; a non-scalar key cannot be compared this cheaply (and is refused later)
          if (isScalar(pair.key) && key !== '<<') {
            const name = String(key);
            if (seen.has(name)) {
              const range = (pair.key as Node).range;
              const d = this.#at(range?.[0] ?? 0, range?.[1] ?? 0, 'error', `duplicate key '${name}'`);
              out.push({ ...d, hint: 'a key may appear only once in a mapping; merge the two entries' });
            }
            seen.add(name);
          }
          walk(pair.value, depth + 1);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) walk(item, depth + 1);
      }
    };
    walk(this.#doc.contents, 0);
    return out;
  }

  /** Aliases (`*name`) with no anchor (`&name`) before them, named, with the closest anchor. */
  #unresolvedAliases(): Diagnostic[] {
    const out: Diagnostic[] = [];
    const anchors: string[] = [];
    visit(this.#doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          if (node.resolve(this.#doc) === undefined) {
            const range = node.range;
            const d = this.#at(range?.[0] ?? 0, range?.[1] ?? 0, 'error', `alias '*${node.source}' is not defined`);
            const close = suggest(node.source, anchors);
            out.push({ ...d, hint: close !== undefined ? `did you mean '*${close}'?` : `define it first with '&${node.source}' on the value it stands for` });
          }
        } else if (node.anchor) anchors.push(node.anchor);
      },
    });
    return out;
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
      const pair = this.#keysOf(resolved).get(String(segment));
      if (!pair) return undefined;
      const value = isAlias(pair.value) ? pair.value.resolve(this.#doc) ?? pair.value : pair.value;
      return { key: pair.key, value };
    }
    if (isSeq(resolved) && typeof segment === 'number') {
      const item = resolved.items[segment];
      return item === undefined ? undefined : { key: undefined, value: isAlias(item) ? item.resolve(this.#doc) ?? item : item };
    }
    return undefined;
  }

  /** The text of 1-based line `line`, without its newline ('' past the end). */
  lineText(line: number): string {
    const start = this.#lines.lineStarts[line - 1];
    if (start === undefined) return '';
    const end = this.text.indexOf('\n', start);
    return this.text.slice(start, end === -1 ? this.text.length : end);
  }

  /**
   * A mapping's pairs by key (the first of equal keys), built once per mapping: checks
   * locate something in every service, and a scan per lookup made that quadratic.
   */
  #keysOf(map: YAMLMap): Map<string, Pair> {
    let keys = this.#index.get(map);
    if (!keys) {
      keys = new Map();
      for (const pair of map.items) {
        if (!isPair(pair)) continue;
        const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (!keys.has(name)) keys.set(name, pair);
      }
      this.#index.set(map, keys);
    }
    return keys;
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
