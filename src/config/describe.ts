/** Wording shared by messages: how to name a place in the file and show a value. */
import type { ConfigPath } from './yaml-source.js';

/** `'routes[1]'`, `'readiness.timeout'`: a path below a known anchor, for messages. */
export function dotted(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** The name of the thing at `path`: its key, or `parent[i]` for a list item. */
export function nameOf(path: ConfigPath): string {
  const last = path[path.length - 1];
  if (last === undefined) return 'the file';
  if (typeof last === 'string') return last;
  const parent = path[path.length - 2];
  return `${parent === undefined ? '' : String(parent)}[${last}]`;
}

/** Where `path` is, in words: "in service 'order'", "in 'readiness' of service 'order'", "in 'kafka'". */
export function contextOf(path: ConfigPath): string {
  if (path.length === 0) return 'at the top level';
  if (path[0] === 'services' && path.length >= 2) {
    const rest = path.slice(2);
    const service = `service '${String(path[1])}'`;
    return rest.length === 0 ? `in ${service}` : `in '${dotted(rest)}' of ${service}`;
  }
  if (path[0] === 'faults' && typeof path[1] === 'number') {
    const rest = path.slice(2);
    return rest.length === 0 ? `in fault rule ${path[1] + 1}` : `in '${dotted(rest)}' of fault rule ${path[1] + 1}`;
  }
  return `in '${dotted(path)}'`;
}

/** A value as the user wrote it: strings quoted, lists and mappings named. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** JSON-pointer path (as TypeBox reports it) to segments; numeric-looking parts of arrays become numbers. */
export function fromPointer(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    segments.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return segments;
}
