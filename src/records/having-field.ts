import type { Redis } from 'ioredis';

/*
 * KEYS[1] an entity's records hash (id → `<version>|<JSON body>`).
 * ARGV[1] the JSON text a body holds where the field is a string: `"<field>":"`; ARGV[2..] record
 * ids. Returns a flat array `id, body, id, body, ...` of the records whose body holds that text
 * followed by at least one character that is not a quote (a non-empty string value); the other
 * bodies never leave Redis. Bodies are JSON.stringify output, which writes a key and its string
 * value as `"key":"` with no space, and escapes every quote inside a string, so the text cannot
 * come from a value; the caller decodes what comes back and checks the field again.
 */
const HAVING_FIELD = `
local CHUNK = 500
local out = {}
local find, sub = string.find, string.sub
for s = 2, #ARGV, CHUNK do
  local e = math.min(#ARGV, s + CHUNK - 1)
  local bodies = redis.call('HMGET', KEYS[1], unpack(ARGV, s, e))
  for i = 1, e - s + 1 do
    local body = bodies[i]
    if body then
      local _, last = find(body, ARGV[1], 1, true)
      if last and sub(body, last + 1, last + 1) ~= '"' then
        out[#out + 1] = ARGV[s + i - 1]
        out[#out + 1] = body
      end
    end
  end
end
return out
`;

type HavingRedis = Redis & {
  recordsHavingField(numKeys: number, ...args: string[]): Promise<string[]>;
};

/**
 * Of the records `ids` in the records hash `key`, the `[id, stored body]` of those whose flat field
 * `field` is a non-empty string (e.g. the customers merged into another), in one round trip;
 * only those bodies are sent. Possibly a few more (the caller checks the decoded field).
 */
export async function bodiesHavingField(
  redis: Redis,
  key: string,
  ids: readonly string[],
  field: string,
): Promise<[string, string][]> {
  if (ids.length === 0) return [];
  if (!('recordsHavingField' in redis))
    redis.defineCommand('recordsHavingField', { lua: HAVING_FIELD });
  const flat = await (redis as HavingRedis).recordsHavingField(
    1,
    key,
    `${JSON.stringify(field)}:"`,
    ...ids,
  );
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
