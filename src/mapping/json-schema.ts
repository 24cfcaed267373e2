import { z } from 'zod';

import { mappingSchema } from './schema.ts';

/** Where the generated JSON Schema is committed, relative to the repository root. */
export const SCHEMA_FILE = 'mappings/mapping.schema.json';

/**
 * The JSON Schema of mapping files, generated from the zod schema (never written by hand), as the
 * text committed at `SCHEMA_FILE`; YAML files reference it for editor validation and completion.
 */
export function mappingJsonSchema(): string {
  const schema = z.toJSONSchema(mappingSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'DealerLoop mapping' }, null, 2)}\n`;
}
