/**
 * Schema validation: runs TypeBox's `Value.Errors` over the parsed value and turns each
 * error into one located diagnostic in our own words.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { suggest } from '../util/suggest.js';
import type { Diagnostic } from './diagnostic.js';
import { contextOf, fromPointer, nameOf, show } from './describe.js';
import { ConfigSchema } from './schema.js';
import { leafErrors, type LeafError } from './schema-walk.js';
import type { ConfigSource } from './yaml-source.js';

/** Keys people bring from docker compose (or older habits), with what to write instead. */
const FOREIGN_KEYS: Readonly<Record<string, string>> = {
  ports: "devmode picks ports; use 'port' to fix instance 0's port",
  image: "devmode runs processes, not containers; use 'command' (or 'url' for a service running elsewhere)",
  healthcheck: "use 'readiness' (http, tcp or log)",
  container_name: 'remove it; the service key is its name',
  working_dir: "use 'cwd'",
  replicas: "use 'instances'",
  deploy: "use 'instances' for replicas",
  version: 'remove it; devmode.yaml has no version',
  entrypoint: "use 'command'",
};

/** Drops `x-*` extension keys (allowed anywhere, as in compose) so the schema need not list them. */
export function stripExtensions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripExtensions);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key.startsWith('x-')) out[key] = stripExtensions(item);
  }
  return out;
}

/** All schema problems of `value`, located in `source`. */
export function validateSchema(source: ConfigSource, value: unknown): Diagnostic[] {
  if (value === null || value === undefined) {
    return [source.diag([], 'value', 'the file is empty', "declare at least 'services:' with one service; see docs/config.md")];
  }
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(ConfigSchema, value)) {
    for (const leaf of leafErrors(error)) {
      const d = describeError(leaf, source, value);
      const key = d && `${d.line}:${d.col}:${d.message}`;
      if (d && key && !seen.has(key)) {
        seen.add(key);
        diagnostics.push(d);
      }
    }
  }
  return diagnostics;
}

function describeError({ error, union }: LeafError, source: ConfigSource, root: unknown): Diagnostic | undefined {
  const path = fromPointer(error.path, root);
  const parent = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const known = Object.keys((error.schema as { properties?: object }).properties ?? {});
    const close = suggest(key, known);
    const hint = FOREIGN_KEYS[key] ?? (close !== undefined ? `did you mean '${close}'?` : `known keys: ${known.join(', ')}`);
    return source.diag(path, 'key', `unknown key '${key}' ${contextOf(parent)}`, hint);
  }
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    return source.diag(parent, 'key', `missing key '${key}' ${contextOf(parent)}`, `add '${key}:'; see docs/config.md`);
  }
  // TypeBox also checks a missing required key's value; the missing key says it already.
  if (error.value === undefined) return undefined;
  if (path.length === 0) {
    return source.diag(path, 'value', `the file must be a mapping of keys (services:, gateway:, ...), got ${show(error.value)}`, 'see docs/config.md');
  }
  if (path.length === 1 && path[0] === 'services' && error.value === null) {
    return source.diag(path, 'key', "'services' is empty", "declare at least one service under it, e.g. 'web: { command: node server.js }' indented below 'services:'");
  }
  if (path[0] === 'services' && path.length === 2 && error.value === null) {
    return source.diag(path, 'key', `service '${key}' is empty`, "give it a 'command' (or a 'url')");
  }
  // A mismatch of the union's chosen alternative itself (e.g. a duration string that does
  // not parse) reads better in the union's words than in the alternative's.
  const schema = union && union.path === error.path ? union.schema : error.schema;
  return source.diag(path, 'value', `'${nameOf(path)}' must be ${expectedOf(schema)}, got ${show(error.value)}`, hintFor(schema, error.value, nameOf(path)));
}

/** The phrase for "must be ...": the schema's own `expected`, else from its kind. */
function expectedOf(schema: TSchema): string {
  const own = (schema as { expected?: string }).expected;
  if (own !== undefined) return own;
  const literals = literalsOf(schema);
  if (literals) return `one of ${literals.join(', ')}`;
  switch (schema[Kind]) {
    case 'String':
      return (schema as { minLength?: number }).minLength ? 'a non-empty string' : 'a string';
    case 'Number':
      return 'a number';
    case 'Integer':
      return 'an integer';
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return 'a list';
    case 'Object':
    case 'Record':
      return 'a mapping';
    case 'Literal':
      return JSON.stringify((schema as { const?: unknown }).const);
    default:
      return 'valid';
  }
}

function literalsOf(schema: TSchema): string[] | undefined {
  const variants = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!variants || !variants.every((v) => v[Kind] === 'Literal')) return undefined;
  return variants.map((v) => String((v as { const?: unknown }).const));
}

/** Numbers people write as words. */
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** Duration units as people write them in words, with ours. */
const DURATION_WORDS: readonly (readonly [RegExp, string])[] = [
  [/^(ms|msecs?|millis(econds?)?|milliseconds?)$/, 'ms'],
  [/^(s|secs?|seconds?)$/, 's'],
  [/^(m|mins?|minutes?)$/, 'm'],
  [/^(h|hrs?|hours?)$/, 'h'],
];

function hintFor(schema: TSchema, value: unknown, key: string): string | undefined {
  const expected = (schema as { expected?: string }).expected ?? '';
  const literals = literalsOf(schema);
  // YAML 1.1 habits: `restart: yes` means "restart"; the policy that says so is 'always'.
  if (literals?.includes('always') && (value === true || (typeof value === 'string' && /^(yes|y|true|on)$/i.test(value)))) {
    return "write 'always' (or 'on-failure' to restart only after a crash)";
  }
  if (literals?.includes('no') && value === false) return "write 'no' in quotes: \"no\" (unquoted, some YAML readers take it for false)";
  if (literals && typeof value === 'string') {
    const close = suggest(value, literals);
    return close === undefined ? undefined : `did you mean '${close}'?`;
  }
  if (expected.startsWith('a duration') && typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
    const unit = m && DURATION_WORDS.find(([re]) => re.test(m[2]!.toLowerCase()))?.[1];
    return m && unit ? `write ${m[1]}${unit}` : 'write a number and a unit, like 500ms, 10s or 2m';
  }
  if (expected.startsWith('a duration') && typeof value === 'number' && value < 0) return 'a duration cannot be negative';
  if (expected.startsWith('a port') && typeof value === 'number') {
    return "a port is 1 to 65535; 0 lets devmode pick any free port, and leaving 'port' out gives a stable port derived from the names";
  }
  const numeric = schema[Kind] === 'Integer' || schema[Kind] === 'Number';
  if (numeric && typeof value === 'string' && NUMBER_WORDS.includes(value.trim().toLowerCase())) {
    return `write the number: ${key}: ${NUMBER_WORDS.indexOf(value.trim().toLowerCase())}`;
  }
  if (numeric && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return `write ${value.trim()} without quotes`;
  }
  return undefined;
}
