import { parseMinorUnits } from '../mapping/transforms/money.ts';
import type { Migration, MigrationContext } from './types.ts';

/**
 * Money fields per entity as stored when money was a float of major units (flat paths of the
 * record body). Frozen here: the migration converts what existed then, whatever the schema
 * becomes later.
 */
export const MONEY_FIELDS_V1: Readonly<Record<string, readonly string[]>> = {
  sale: ['price', 'frontGross', 'backGross', 'totalGross', 'tradeAcv'],
  lead: ['vehicle.price'],
  campaign: ['budget'],
  spend: ['amount'],
};

/** Records read per HSCAN step. */
const PAGE = 500;
/** Rounds a page is retried when records changed between the read and the write. */
const MAX_ROUNDS = 5;

/*
 * Converts one page of records, each only if it still holds the body that was read and was not
 * converted before (an HSCAN can return a record twice), and saves the scan cursor, atomically:
 * a crash leaves either the whole page converted and the cursor past it, or neither.
 * KEYS[1] records hash, KEYS[2] set of converted ids, KEYS[3] migration state hash
 * ARGV[1] entity (state field of its cursor), ARGV[2] cursor after the page, then per record
 * id, body read, converted body.
 * Returns {converted, conflicts...}: conflicts are ids whose body changed meanwhile.
 */
const CONVERT = `
local converted, out = 0, {}
for i = 3, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('SISMEMBER', KEYS[2], id) == 0 then
    if redis.call('HGET', KEYS[1], id) == ARGV[i + 1] then
      redis.call('HSET', KEYS[1], id, ARGV[i + 2])
      redis.call('SADD', KEYS[2], id)
      converted = converted + 1
    else
      out[#out + 1] = id
    end
  end
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], 'changed', converted)
table.insert(out, 1, converted)
return out
`;

/**
 * The body with its money fields in cents, or null when it has none to convert. Values that
 * are not amounts are left as they are and reported.
 */
export function convertBody(
  body: string,
  fields: readonly string[],
  onBad: (path: string) => void,
): string | null {
  const bar = body.indexOf('|');
  const json = JSON.parse(body.slice(bar + 1)) as { f?: Record<string, unknown> };
  let changed = false;
  for (const path of fields) {
    const v = json.f?.[path];
    if (v === undefined || v === null) continue;
    const cents = parseMinorUnits(v, 2);
    if (cents === undefined) onBad(path);
    else {
      json.f![path] = cents;
      changed = true;
    }
  }
  return changed ? `${body.slice(0, bar)}|${JSON.stringify(json)}` : null;
}

/** Converts one entity's records, resuming from the saved cursor; returns records seen. */
async function convertEntity(
  ctx: MigrationContext,
  entity: string,
  fields: readonly string[],
  seen: () => void,
) {
  const { redis, keys, tenantId, log } = ctx;
  const recordsKey = keys.records(tenantId, entity);
  const doneKey = keys.migrationState(tenantId, moneyCents.id, `done:${entity}`);
  const stateKey = keys.migrationState(tenantId, moneyCents.id);
  let cursor = (await redis.hget(stateKey, entity)) ?? '0';
  if (cursor === 'done') return;
  do {
    const [next, flat] = await redis.hscan(recordsKey, cursor, 'COUNT', PAGE);
    let page: [string, string][] = [];
    for (let i = 0; i < flat.length; i += 2) page.push([flat[i]!, flat[i + 1]!]);
    for (let round = 0; ; round++) {
      const args: string[] = [];
      for (const [id, body] of page) {
        const converted = convertBody(body, fields, (path) =>
          log.warn({ tenantId, entity, id, path }, 'money-cents: not an amount, left as it was'),
        );
        if (converted) args.push(id, body, converted);
      }
      const after = next === '0' ? 'done' : next;
      const [, ...conflicts] = (await redis.eval(
        CONVERT,
        3,
        recordsKey,
        doneKey,
        stateKey,
        entity,
        after,
        ...args,
      )) as [number, ...string[]];
      if (!conflicts.length) break;
      if (round >= MAX_ROUNDS)
        throw new Error(
          `money-cents: ${entity} records keep changing during the migration (stop workers of the previous version)`,
        );
      const bodies = await redis.hmget(recordsKey, ...conflicts);
      page = conflicts
        .map((id, i) => [id, bodies[i]!] as [string, string])
        .filter(([, b]) => b !== null);
    }
    for (let i = 0; i < flat.length; i += 2) seen();
    cursor = next;
  } while (cursor !== '0');
}

/** 001: money from float major units to integer minor units (cents) in every stored record. */
export const moneyCents: Migration = {
  id: '001-money-cents',
  description:
    'Money fields of stored sales, leads, campaigns and spend from dollars (float) to integer cents',
  async run(ctx) {
    const { redis, keys, tenantId } = ctx;
    const stateKey = keys.migrationState(tenantId, moneyCents.id);
    const entities = Object.keys(MONEY_FIELDS_V1);
    const sizes = await Promise.all(entities.map((e) => redis.hlen(keys.records(tenantId, e))));
    const total = sizes.reduce((a, b) => a + b, 0);
    let done = 0;
    for (const entity of entities)
      await convertEntity(ctx, entity, MONEY_FIELDS_V1[entity]!, () =>
        ctx.progress?.(++done, total),
      );
    // The sets of converted ids are dropped only once every entity is through; the state hash
    // (cursors at `done`) stays, so a crash before the runner marks the migration done repeats nothing.
    await redis.del(
      ...entities.map((e) => keys.migrationState(tenantId, moneyCents.id, `done:${e}`)),
    );
    return { changed: Number((await redis.hget(stateKey, 'changed')) ?? 0) };
  },
};
