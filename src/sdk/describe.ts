import { z } from 'zod';

/** One field of a connector's settings or credentials, for people (CLI, dashboard forms). */
export interface FieldDoc {
  name: string;
  /** JSON Schema type: string, integer, number, boolean, array, object. */
  type: string;
  required: boolean;
  description: string | null;
  default: unknown;
  /** An example value: the schema's `examples`, else the text after "e.g." in its description. */
  example: string | null;
  /** Allowed values, for enums (and arrays of enums). */
  choices: string[] | null;
  minimum: number | null;
  maximum: number | null;
  pattern: string | null;
  format: string | null;
}

/** JSON Schema of one property, as zod writes it. */
interface PropSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  items?: PropSchema;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  anyOf?: PropSchema[];
}

/** The example written in a description: "…, e.g. us14; …" gives "us14". */
export function exampleFromDescription(text: string | undefined): string | null {
  const m = /\be\.g\.\s+([^;()]+?)(?:[;()]|, |$)/.exec(text ?? '');
  return m ? m[1]!.trim() : null;
}

/** The fields of an object schema (the zod schema is the one source; no second list to keep). */
export function describeFields(schema: z.ZodType): FieldDoc[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, PropSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, raw]) => {
    const p = raw.anyOf?.find((x) => x.type !== 'null') ?? raw;
    const type = Array.isArray(p.type) ? p.type[0]! : (p.type ?? 'string');
    const choices = (p.enum ?? p.items?.enum)?.map(String) ?? null;
    const example = p.examples?.[0] ?? raw.examples?.[0];
    const description = raw.description ?? p.description ?? null;
    return {
      name,
      type,
      required: json.required?.includes(name) ?? false,
      description,
      default: raw.default ?? p.default,
      example:
        example !== undefined
          ? typeof example === 'string'
            ? example
            : JSON.stringify(example)
          : exampleFromDescription(description ?? undefined),
      choices,
      minimum: p.minimum ?? null,
      maximum: p.maximum ?? null,
      pattern: p.pattern ?? null,
      format: p.format ?? null,
    };
  });
}
