/** Walking TypeBox errors: unions resolve to the alternative shaped like the value. */
import { Kind, type TSchema } from '@sinclair/typebox';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/value';

/** A schema error, with the union it was found under (when the union picked an alternative). */
export interface LeafError {
  readonly error: ValueError;
  readonly union?: ValueError;
}

/** The shape of a YAML value, for choosing a union alternative. */
export type Shape = 'string' | 'number' | 'boolean' | 'null' | 'list' | 'mapping' | 'other';

/**
 * The errors to report for `error`: itself, or, for a union with exactly one alternative
 * of the value's shape (e.g. the mapping form of a route), that alternative's errors, so a
 * typo inside it is located as precisely as anywhere else.
 */
export function* leafErrors(error: ValueError, union?: ValueError): Generator<LeafError> {
  if (error.type === ValueErrorType.Union) {
    const variants = (error.schema as { anyOf?: TSchema[] }).anyOf ?? [];
    const shape = shapeOfValue(error.value);
    const matching = variants.flatMap((variant, i) => (shapeOfSchema(variant) === shape ? [i] : []));
    const only = matching.length === 1 ? error.errors[matching[0] ?? 0] : undefined;
    if (only) {
      for (const inner of only) yield* leafErrors(inner, error);
      return;
    }
  }
  yield union === undefined ? { error } : { error, union };
}

/** The shape of a parsed value. */
export function shapeOfValue(value: unknown): Shape {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return typeof value as Shape;
  return 'other';
}

/** The shape of values a schema accepts. */
export function shapeOfSchema(schema: TSchema): Shape {
  switch (schema[Kind]) {
    case 'String':
      return 'string';
    case 'Number':
    case 'Integer':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Null':
      return 'null';
    case 'Array':
      return 'list';
    case 'Object':
    case 'Record':
      return 'mapping';
    case 'Literal':
      return shapeOfValue((schema as { const?: unknown }).const);
    default:
      return 'other';
  }
}
