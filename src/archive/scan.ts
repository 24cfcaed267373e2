import type { ArchiveFilter } from './archive.ts';
import { assertFilter, parseKey, type KeyParts } from './layout.ts';

/**
 * Lists every key below `prefix` (which ends in `/`) that sorts after `startAfter`, in ascending
 * key order, as S3's ListObjectsV2 does with `Prefix` and `StartAfter`.
 */
export type ListKeys = (prefix: string, startAfter?: string) => AsyncIterable<string>;

// Sorts after every character a key segment may hold (lowercase, digits, "_", "-", ".").
const PAST = '~';

/**
 * Yields the keys matching `filter` in ascending key order. It lists from the deepest folder the
 * filter fixes (`tenant/`, `tenant/connection/`, `tenant/connection/stream/` or
 * `tenant/connection/stream/kind/`) and, on meeting a key outside the filter, restarts the listing
 * just past the keys that cannot match (a skip scan over the `kind/date/` folders), so a narrow
 * filter reads few keys. Both backends list through this, so they agree on order and filtering.
 * @throws AppError `invalid_archive_input` on a bad filter.
 */
export async function* scanKeys(filter: ArchiveFilter, listKeys: ListKeys): AsyncGenerator<string> {
  assertFilter(filter);
  const { tenantId, connectionId, stream, kind, from } = filter;
  let prefix = `${tenantId}/`;
  if (connectionId) prefix += `${connectionId}/`;
  if (connectionId && stream) prefix += kind ? `${stream}/${kind}/` : `${stream}/`;
  let startAfter = stream && kind && from ? prefix + from : undefined;
  for (;;) {
    let seek: string | undefined;
    for await (const key of listKeys(prefix, startAfter)) {
      const verdict = judge(key, filter);
      if (verdict === true) yield key;
      else if (verdict !== false) {
        seek = verdict;
        break;
      }
    }
    if (seek === undefined || seek === prefix + PAST) return;
    startAfter = seek;
  }
}

/**
 * `true` when `key` matches, `false` to pass over it (not a layout key, or one of the first
 * layout that does not match), or the position to restart listing after: past every key that
 * sorts between `key` and the next possible match.
 */
function judge(key: string, filter: ArchiveFilter): boolean | string {
  const k = parseKey(key);
  if (!k || k.tenantId !== filter.tenantId) return false;
  if (k.layout === 1) return filter.connectionId === undefined && inKindAndDates(k, filter);
  if (filter.connectionId !== undefined && k.connectionId !== filter.connectionId) return false;
  if (filter.stream !== undefined && k.stream !== filter.stream) return false;
  const streamDir = `${k.tenantId}/${k.connectionId}/${k.stream}/`;
  if (filter.kind !== undefined && k.kind !== filter.kind) {
    return k.kind < filter.kind
      ? `${streamDir}${filter.kind}/${filter.from ?? ''}`
      : streamDir + PAST;
  }
  const kindDir = `${streamDir}${k.kind}/`;
  if (filter.from !== undefined && k.date < filter.from) return kindDir + filter.from;
  if (filter.to !== undefined && k.date > filter.to) return kindDir + PAST;
  return true;
}

function inKindAndDates(k: KeyParts, filter: ArchiveFilter): boolean {
  return (
    (filter.kind === undefined || k.kind === filter.kind) &&
    (filter.from === undefined || k.date >= filter.from) &&
    (filter.to === undefined || k.date <= filter.to)
  );
}
