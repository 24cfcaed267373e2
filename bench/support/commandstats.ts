/**
 * Where a bench's Redis time goes: per-command counters (INFO commandstats) and, as a diagnostic,
 * every command's time by command and script (SLOWLOG with a zero threshold, which costs Redis
 * time of its own: never on the run whose CPU is compared).
 *
 *   COMMANDSTATS=1  calls and µs per record of each command (a script's commands count both
 *                   under EVALSHA and under their own name)
 *   SLOWLOG=1       also µs per record by command and script (a script named by its sha's start
 *                   and first key), top-level and inside scripts alike
 */
import type { Redis } from 'ioredis';

/** Calls and µs of each command so far. */
export type CommandCounts = Map<string, { calls: number; usec: number }>;

/** Rows printed of each breakdown, the costliest first. */
const ROWS = 16;
/** How long the slowlog may grow during a run (entries; a run of 100,000 records makes ~10^4). */
const SLOWLOG_LEN = 2_000_000;

const wanted = () => process.env.COMMANDSTATS === '1' || process.env.SLOWLOG === '1';

/** Redis's per-command counters now (empty unless COMMANDSTATS or SLOWLOG is set). */
export async function commandCounts(redis: Redis): Promise<CommandCounts> {
  const out: CommandCounts = new Map();
  if (!wanted()) return out;
  const text = await redis.info('commandstats');
  for (const m of text.matchAll(/cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/g))
    out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  return out;
}

/** Starts logging every command when SLOWLOG=1. */
export async function startSlowlog(redis: Redis): Promise<void> {
  if (process.env.SLOWLOG !== '1') return;
  await redis.config('SET', 'slowlog-max-len', String(SLOWLOG_LEN));
  await redis.config('SET', 'slowlog-log-slower-than', '0');
  await redis.slowlog('RESET');
}

/** A key with its uuids and numbers blanked, so keys of one kind group together. */
const keyKind = (key: unknown) =>
  String(key ?? '')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
    .replace(/_[0-9a-f]{16,}/g, '_<id>')
    .slice(0, 60);

/** Lines of µs per record by command and script since `startSlowlog` ('' unless SLOWLOG=1). */
export async function slowlogLines(redis: Redis, records: number): Promise<string> {
  if (process.env.SLOWLOG !== '1') return '';
  await redis.config('SET', 'slowlog-log-slower-than', '10000');
  const entries = (await redis.slowlog('GET', -1)) as [number, number, number, string[]][];
  await redis.slowlog('RESET');
  const sums = new Map<string, { n: number; us: number }>();
  for (const [, , us, args] of entries) {
    const cmd = String(args[0]).toLowerCase();
    const name =
      cmd === 'evalsha'
        ? `evalsha ${String(args[1]).slice(0, 8)} ${keyKind(args[3])}`
        : `${cmd} ${keyKind(args[1])}`;
    const s = sums.get(name) ?? { n: 0, us: 0 };
    s.n++;
    s.us += us;
    sums.set(name, s);
  }
  return [...sums]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, ROWS)
    .map(([k, s]) => `  slowlog ${k}: ${s.n} calls, ${(s.us / records).toFixed(2)} µs/record\n`)
    .join('');
}

/** Lines of calls and µs per record of each command between two readings ('' when not wanted). */
export function commandLines(before: CommandCounts, after: CommandCounts, records: number): string {
  const rows = [...after]
    .map(([name, c]) => {
      const b = before.get(name) ?? { calls: 0, usec: 0 };
      return { name, calls: c.calls - b.calls, usec: c.usec - b.usec };
    })
    .filter((c) => c.calls > 0 && c.name !== 'info' && c.name !== 'slowlog')
    .sort((a, b) => b.usec - a.usec)
    .slice(0, ROWS);
  return rows
    .map(
      (r) =>
        `  command ${r.name}: ${(r.calls / records).toFixed(3)} calls, ${(r.usec / records).toFixed(2)} µs/record (${(r.usec / r.calls).toFixed(0)} µs/call)\n`,
    )
    .join('');
}
