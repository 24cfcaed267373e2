import type { z } from 'zod';

import type { ConnectorContext, StreamDef, SystemRecord } from './connector.ts';
import { PermanentError } from './errors.ts';

/**
 * How a stream's cursor is stored: the engine keeps a string; the connector declares the cursor
 * as a zod schema and never builds that string itself. `decode` validates a stored cursor on
 * resume and names the bad field; `encode` refuses a cursor its own schema would refuse (a
 * connector bug caught before it is saved).
 */
export interface CursorCodec<T> {
  encode(cursor: T): string;
  /** Null (a first run or a reset) stays null. */
  decode(text: string | null): T | null;
}

/** Options of a codec. */
export interface CursorOptions<T> {
  /**
   * A stored cursor that is not JSON, read as the connector's older or hand-set form (an
   * operator's ISO time to backfill from); undefined: refused.
   */
  fromText?: (text: string) => T | undefined;
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(cursor)';
  return `field "${field}": ${issue.message}`;
}

/**
 * The codec of a cursor schema: JSON text of the schema's input.
 *
 * @example
 * const cursor = cursorCodec(z.object({ since: z.iso.datetime(), after: z.string().optional() }), 'acme contacts');
 * cursor.decode('{"since":3}') // throws: acme contacts: the stored cursor is bad: field "since": …
 */
export function cursorCodec<S extends z.ZodType>(
  schema: S,
  what: string,
  opts: CursorOptions<z.output<S>> = {},
): CursorCodec<z.output<S>> {
  const reset = "reset the sync's cursor (dealerloop sync backfill) to read from the start";
  return {
    encode(cursor) {
      const r = schema.safeParse(cursor);
      if (!r.success)
        throw new PermanentError(`${what}: refusing to save a bad cursor: ${issueText(r.error)}`);
      return JSON.stringify(cursor);
    },
    decode(text) {
      if (text === null) return null;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        const plain = opts.fromText?.(text);
        if (plain !== undefined) return plain;
        throw new PermanentError(
          `${what}: the stored cursor is not JSON; ${reset}`,
          null,
          'cursor',
        );
      }
      const r = schema.safeParse(json);
      if (r.success) return r.data as z.output<S>;
      const field = r.error.issues[0]!.path.map(String).join('.') || 'cursor';
      throw new PermanentError(
        `${what}: the stored cursor is bad: ${issueText(r.error)}; ${reset}`,
        null,
        field,
      );
    },
  };
}

/** A page as a typed stream returns it: the next cursor as data, not text. */
export interface TypedPage<T> {
  records: SystemRecord[];
  /** The cursor after this page; null keeps the previous one. */
  next: T | null;
  hasMore: boolean;
  /** See `StreamPage.notes`. */
  notes?: Record<string, number>;
}

/** A stream whose cursor is a declared schema (see `typedStream`). */
export interface TypedStreamDef<S, C, CS extends z.ZodType> {
  description: string;
  /** The cursor's schema; `what` names the stream in messages. */
  cursor: CS;
  what: string;
  /** See `CursorOptions.fromText`. */
  fromText?: (text: string) => z.output<CS> | undefined;
  read(ctx: ConnectorContext<S, C>, cursor: z.output<CS> | null): Promise<TypedPage<z.output<CS>>>;
  readByIds?: StreamDef<S, C>['readByIds'];
}

/**
 * A stream with a declared cursor schema: the SDK decodes (and validates) the stored cursor before
 * `read` and encodes the one it returns, so the connector only sees and makes data.
 */
export function typedStream<S, C, CS extends z.ZodType>(
  def: TypedStreamDef<S, C, CS>,
): StreamDef<S, C> & { cursorCodec: CursorCodec<z.output<CS>> } {
  const codec = cursorCodec(def.cursor, def.what, def.fromText ? { fromText: def.fromText } : {});
  return {
    description: def.description,
    cursorCodec: codec,
    async read(ctx, text) {
      const page = await def.read(ctx, codec.decode(text));
      return {
        records: page.records,
        nextCursor: page.next === null ? null : codec.encode(page.next),
        hasMore: page.hasMore,
        ...(page.notes ? { notes: page.notes } : {}),
      };
    },
    ...(def.readByIds ? { readByIds: def.readByIds } : {}),
  };
}
