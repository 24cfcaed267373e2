import type { QuarantineEntry } from '../entities/sync.ts';
import { ENTRY_KINDS, type EntryKind } from '../sync/quarantine.ts';
import type { SyncServices } from '../sync/services.ts';
import type { Archive, ArchiveKind } from './archive.ts';
import { parseKey } from './layout.ts';

/** What restoring a tenant's quarantine or dead letters from the archive did. */
export interface EntriesRestore {
  /** Entries written back (open in the archive and missing from Redis). */
  restored: number;
  /** Archived entries that could not be read, with the reason. */
  skipped: { key: string; reason: string }[];
}

/**
 * A tenant's archived objects of `kind` in the order they were taken: object names begin with the
 * batch time and a per-process counter (keys sort by connection and stream first).
 */
export async function takenInOrder(
  archive: Archive,
  tenantId: string,
  kind: ArchiveKind,
): Promise<{ key: string; name: string }[]> {
  const out: { key: string; name: string }[] = [];
  for await (const key of archive.list({ tenantId, kind }))
    out.push({ key, name: parseKey(key)!.name });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Restores a tenant's open quarantine entries or dead letters (`which`) from the archive, where
 * their store archives each entry when added, again after each failed replay, and a removal
 * record (`removedAt`) when it is replayed or discarded: the last of each id wins, removed ones
 * stay out, and an entry Redis still holds is left as it is. Entries removed before removals were
 * archived cannot be told from open ones and come back.
 */
export async function restoreEntries(
  svc: SyncServices,
  tenantId: string,
  which: EntryKind,
): Promise<EntriesRestore> {
  const { schema, name, archive } = ENTRY_KINDS[which];
  const latest = new Map<string, QuarantineEntry | null>();
  const skipped: EntriesRestore['skipped'] = [];
  for (const { key } of await takenInOrder(svc.hub.archive, tenantId, archive))
    for await (const value of svc.hub.archive.read(key)) {
      const v = value as { id?: unknown; removedAt?: unknown };
      if (typeof v.id === 'string' && typeof v.removedAt === 'string') {
        latest.set(v.id, null);
        continue;
      }
      const entry = schema.safeParse(value);
      if (entry.success && entry.data.tenantId === tenantId) latest.set(entry.data.id, entry.data);
      else skipped.push({ key, reason: unreadable(name, v.id, entry.error?.issues[0]) });
    }
  const open = [...latest.values()].filter((e): e is QuarantineEntry => e !== null);
  return { restored: await svc[which].restore(open), skipped };
}

/** Why an archived entry was not restored. */
function unreadable(
  name: string,
  id: unknown,
  issue?: { path: PropertyKey[]; message: string },
): string {
  const what = `${name} ${typeof id === 'string' ? id : '(no id)'}`;
  return issue
    ? `${what}: ${issue.path.map(String).join('.') || 'entry'}: ${issue.message}`
    : `${what}: of another tenant`;
}
