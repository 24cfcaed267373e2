import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';

/** What a mapping reads and makes: fixed for a name by its shipped file or its first version. */
export interface MappingKind {
  connector: string;
  stream: string;
  entity: string;
}

/** One saved version of a tenant mapping, without its text. */
export interface MappingVersionMeta {
  version: number;
  /** SHA-256 of the YAML text. */
  hash: string;
  /** Who saved it: `apikey:<id>` from the API, `cli:<user>` from the CLI. */
  savedBy: string;
  savedAt: string;
  bytes: number;
}

/** One saved version with its YAML text. */
export interface MappingVersion extends MappingVersionMeta {
  yaml: string;
}

/** The latest version of a tenant mapping, as every sync run reads it (one HGET). */
export interface LatestPointer {
  version: number;
  hash: string;
}

/** What `append` did: a new version, the latest already had this text, or the kind differs. */
export type AppendOutcome =
  | { kind: 'created'; version: number }
  | { kind: 'unchanged'; version: number }
  | { kind: 'kindFixed'; fixed: MappingKind };

/**
 * Appends a version unless the latest has the same content hash; refuses a connector, stream or
 * entity other than the name's first version had. Atomic, so two saves at once get versions n
 * and n + 1, never the same number.
 * KEYS: the mapping hash, the names set. ARGV: name, hash, kind, meta JSON, YAML.
 */
const APPEND = `
local latest = redis.call('HGET', KEYS[1], 'latest')
if latest then
  local sep = string.find(latest, '|', 1, true)
  if string.sub(latest, sep + 1) == ARGV[2] then
    return {'unchanged', string.sub(latest, 1, sep - 1)}
  end
end
local kind = redis.call('HGET', KEYS[1], 'kind')
if kind and kind ~= ARGV[3] then return {'kindFixed', kind} end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'kind', ARGV[3], 'latest', n .. '|' .. ARGV[2],
  'm:' .. n, ARGV[4], 'y:' .. n, ARGV[5])
redis.call('HDEL', KEYS[1], 'deleted')
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return {'created', tostring(n)}
`;

const kindText = (k: MappingKind) => `${k.connector}|${k.stream}|${k.entity}`;

function parseKind(text: string): MappingKind {
  const [connector = '', stream = '', entity = ''] = text.split('|');
  return { connector, stream, entity };
}

function parsePointer(text: string | null): LatestPointer | null {
  if (!text) return null;
  const sep = text.indexOf('|');
  return { version: Number(text.slice(0, sep)), hash: text.slice(sep + 1) };
}

/**
 * Tenant mappings in Redis, under the tenant's key space: every save is a new immutable version
 * (number, content hash, who and when), and `latest` names the one syncs use. Deleting drops
 * `latest` (syncs fall back to the shipped file) and keeps the versions; the next save goes on
 * from the last number.
 */
export class TenantMappingStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** The version syncs use now, or null when the tenant has none of that name (or deleted it). */
  async latest(tenantId: string, name: string): Promise<LatestPointer | null> {
    return parsePointer(await this.redis.hget(this.k.tenantMapping(tenantId, name), 'latest'));
  }

  /** Saves `yaml` as the next version (see `APPEND`). */
  async append(
    tenantId: string,
    name: string,
    kind: MappingKind,
    meta: Omit<MappingVersionMeta, 'version'>,
    yaml: string,
  ): Promise<AppendOutcome> {
    const keys = [this.k.tenantMapping(tenantId, name), this.k.tenantMappings(tenantId)];
    const args = [name, meta.hash, kindText(kind), JSON.stringify(meta), yaml];
    const [what, value] = (await this.redis.eval(APPEND, 2, ...keys, ...args)) as [string, string];
    if (what === 'kindFixed') return { kind: 'kindFixed', fixed: parseKind(value) };
    return { kind: what === 'created' ? 'created' : 'unchanged', version: Number(value) };
  }

  /** The connector, stream and entity the name's first version fixed, or null before one. */
  async kind(tenantId: string, name: string): Promise<MappingKind | null> {
    const text = await this.redis.hget(this.k.tenantMapping(tenantId, name), 'kind');
    return text ? parseKind(text) : null;
  }

  /** One version with its text (default: the latest), or null when there is no such version. */
  async version(tenantId: string, name: string, version?: number): Promise<MappingVersion | null> {
    const key = this.k.tenantMapping(tenantId, name);
    const n = version ?? (await this.latest(tenantId, name))?.version;
    if (n === undefined) return null;
    const [meta, yaml] = await this.redis.hmget(key, `m:${n}`, `y:${n}`);
    if (!meta || yaml === null || yaml === undefined) return null;
    return { ...(JSON.parse(meta) as Omit<MappingVersionMeta, 'version'>), version: n, yaml };
  }

  /** Versions newer than none or older than `before`, newest first, at most `limit`. */
  async versions(
    tenantId: string,
    name: string,
    before: number | null,
    limit: number,
  ): Promise<MappingVersionMeta[]> {
    const key = this.k.tenantMapping(tenantId, name);
    const seq = Number((await this.redis.hget(key, 'seq')) ?? 0);
    const top = Math.min(seq, before === null ? seq : before - 1);
    const numbers: number[] = [];
    for (let n = top; n >= 1 && numbers.length < limit; n--) numbers.push(n);
    if (numbers.length === 0) return [];
    const metas = await this.redis.hmget(key, ...numbers.map((n) => `m:${n}`));
    return numbers.flatMap((n, i) =>
      metas[i] ? [{ ...(JSON.parse(metas[i]) as MappingVersionMeta), version: n }] : [],
    );
  }

  /** Whether the name ever had a version for the tenant (deleted or not). */
  async exists(tenantId: string, name: string): Promise<boolean> {
    return (await this.redis.hexists(this.k.tenantMapping(tenantId, name), 'seq')) === 1;
  }

  /** Names of the tenant's live mappings, in name order. */
  async names(tenantId: string): Promise<string[]> {
    return this.redis.zrange(this.k.tenantMappings(tenantId), 0, -1);
  }

  /** The live mappings' latest versions, by name. */
  async latestOf(tenantId: string, names: string[]): Promise<Map<string, MappingVersionMeta>> {
    const out = new Map<string, MappingVersionMeta>();
    const pointers = await Promise.all(names.map((n) => this.latest(tenantId, n)));
    const metas = await Promise.all(
      names.map((n, i) =>
        pointers[i]
          ? this.redis.hget(this.k.tenantMapping(tenantId, n), `m:${pointers[i].version}`)
          : null,
      ),
    );
    names.forEach((n, i) => {
      const meta = metas[i];
      if (meta)
        out.set(n, { ...(JSON.parse(meta) as MappingVersionMeta), version: pointers[i]!.version });
    });
    return out;
  }

  /**
   * Deletes the tenant's mapping: syncs use the shipped file again from their next run. Its
   * versions stay readable. False when it had no live version.
   */
  async remove(tenantId: string, name: string, deletedBy: string): Promise<boolean> {
    const key = this.k.tenantMapping(tenantId, name);
    const [[, gone]] = (await this.redis
      .multi()
      .hdel(key, 'latest')
      .zrem(this.k.tenantMappings(tenantId), name)
      .exec()) as [[Error | null, number], [Error | null, number]];
    if (gone === 0) return false;
    const at = new Date().toISOString();
    await this.redis.hset(key, 'deleted', JSON.stringify({ deletedBy, deletedAt: at }));
    return true;
  }
}
