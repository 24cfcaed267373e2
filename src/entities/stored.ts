import type { z } from 'zod';

import { AppError, type FieldIssue } from '../errors/app-error.ts';

/**
 * A value a store read back (or was about to write) that does not fit its entity schema: the
 * Redis key and every bad field are named, never the value (it may hold personal data).
 */
export class StoredValueError extends AppError {
  constructor(
    readonly entity: string,
    readonly key: string,
    details: FieldIssue[],
  ) {
    const list = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    super(500, 'stored_value_invalid', `stored ${entity} at ${key} is not valid: ${list}`, details);
    this.name = 'StoredValueError';
  }
}

/**
 * Parses a value a store writes or reads back with its entity's schema (the one the OpenAPI
 * document shows, see `src/entities/`).
 * @throws StoredValueError naming the key and each bad field.
 * @example parseStored(TenantSchema, 'tenant', 'dl:{acme}:tenant', fromHash)
 */
export function parseStored<S extends z.ZodType>(
  schema: S,
  entity: string,
  key: string,
  value: unknown,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(value)',
    message: i.message,
  }));
  throw new StoredValueError(entity, key, details);
}

/** `JSON.parse` of a stored text, then `parseStored`; text that is not JSON is reported the same way. */
export function parseStoredJson<S extends z.ZodType>(
  schema: S,
  entity: string,
  key: string,
  text: string,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StoredValueError(entity, key, [{ path: '(value)', message: 'not JSON' }]);
  }
  return parseStored(schema, entity, key, value);
}

/**
 * A store's read for a list: null when the value is gone (deleted meanwhile: `not_found`), but a
 * `StoredValueError` fails the list, so a bad value is reported, never hidden.
 */
export const unlessGone = <T>(read: Promise<T>): Promise<T | null> =>
  read.catch((err: unknown) => {
    if (err instanceof StoredValueError) throw err;
    return null;
  });
