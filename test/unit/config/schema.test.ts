/** The exported JSON Schema stays in sync with the TypeBox schema and documents every key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaText, SCHEMA_FILE } from '../../../src/config/schema-export.js';

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
}

/** Every property of every object in the schema, with its path. */
function* properties(schema: JsonSchema, at = ''): Generator<[string, JsonSchema]> {
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    yield [`${at}.${key}`, value];
    yield* properties(value, `${at}.${key}`);
  }
  for (const [key, value] of Object.entries(schema.patternProperties ?? {})) yield* properties(value, `${at}[${key}]`);
  if (schema.items) yield* properties(schema.items, `${at}[]`);
  for (const [i, variant] of (schema.anyOf ?? []).entries()) yield* properties(variant, `${at}|${i}`);
}

describe('JSON Schema export', () => {
  it('schema/devmode.schema.json is up to date (run: npx tsx src/config/schema-export.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(jsonSchemaText());
  });

  it('gives every property a description, so editors show help', () => {
    const schema = JSON.parse(jsonSchemaText()) as JsonSchema;
    const all = [...properties(schema)];
    expect(all.length).toBeGreaterThan(60);
    const missing = all.filter(([, value]) => !value.description).map(([at]) => at);
    expect(missing).toEqual([]);
  });
});
