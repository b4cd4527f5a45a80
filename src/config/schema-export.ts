/**
 * Writes schema/devmode.schema.json from the TypeBox schema, for editors:
 * `# yaml-language-server: $schema=./schema/devmode.schema.json` atop devmode.yaml.
 * Run with `npx tsx src/config/schema-export.ts` (npm run schema); a unit test fails
 * when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigSchema } from './schema.js';

/** The JSON Schema text, as committed (TypeBox's symbol keys drop out in JSON). */
export function jsonSchemaText(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...ConfigSchema };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Where the schema file lives in the repository. */
export const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema/devmode.schema.json');

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, jsonSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
