/**
 * After schema errors are reported, prune the invalid parts so the semantic checks can
 * still run, type-safe, on everything that is valid: every problem is reported at once.
 */
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { fromPointer } from './describe.js';
import { ConfigSchema, type RawConfig } from './schema.js';
import { leafErrors } from './schema-walk.js';

/** Rounds of pruning before giving up (each round removes at least one subtree). */
const MAX_ROUNDS = 100;

/**
 * A copy of `value` without the subtrees that fail the schema, or undefined when what
 * is left still fails (e.g. `services` itself is missing). A bad key inside a list item
 * is removed from the item; a bad item removes the whole list, so indexes in later
 * messages keep matching the file.
 */
export function pruneInvalid(value: unknown): RawConfig | undefined {
  const current: unknown = structuredClone(value);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (Value.Check(ConfigSchema, current)) return current as RawConfig;
    const first = Value.Errors(ConfigSchema, current).First();
    const leaf = first && leafErrors(first).next().value;
    if (!leaf) return undefined;
    let path = fromPointer(leaf.error.path, current);
    if (leaf.error.type === ValueErrorType.ObjectRequiredProperty) path = path.slice(0, -1);
    while (typeof path[path.length - 1] === 'number') path = path.slice(0, -1);
    if (path.length === 0) return undefined;
    removeAt(current, path);
  }
  return undefined;
}

function removeAt(root: unknown, path: readonly (string | number)[]): void {
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) {
    node = (node as Record<string | number, unknown>)[segment];
    if (node === null || typeof node !== 'object') return;
  }
  delete (node as Record<string, unknown>)[String(path[path.length - 1])];
}
