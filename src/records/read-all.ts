import type { StoredRecord } from './merge.ts';
import type { RecordStore } from './record-store.ts';

/** Ids per HMGET when reading many records (the chunks are sent together). */
export const READ_CHUNK = 1000;

/** The records of `ids` that exist (lean: no field metadata), in chunks of READ_CHUNK. */
export async function readAll(
  records: RecordStore,
  tenantId: string,
  entity: string,
  ids: readonly string[],
): Promise<StoredRecord[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += READ_CHUNK) chunks.push(ids.slice(i, i + READ_CHUNK));
  const pages = await Promise.all(
    chunks.map((c) => records.getMany(tenantId, entity, c, { lean: true })),
  );
  return pages.flat().filter((r): r is StoredRecord => r !== null);
}
