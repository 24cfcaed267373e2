import type { SyncServices } from '../sync/services.ts';
import { ingestPage, type InboundScope } from '../sync/inbound.ts';
import type { Sync } from '../sync/types.ts';
import { parseKey, type KeyParts } from './layout.ts';
import { restoreEntries, takenInOrder } from './rebuild-entries.ts';

/** What `rebuildTenant` did. */
export interface RebuildReport {
  tenantId: string;
  /** Raw pages replayed (each through every inbound sync of its connection and stream). */
  pages: number;
  /** Records read from those pages (a page replayed through two syncs counts once). */
  records: number;
  /** Field problems met again (not quarantined again: the quarantine is restored instead). */
  problems: number;
  /** Open quarantine entries restored from the archive (missing from Redis before). */
  quarantine: number;
  /** Open dead letters restored from the archive (missing from Redis before). */
  deadLetters: number;
  /** Raw pages not replayed and archived entries not restored, with the reason. */
  skipped: { key: string; reason: string }[];
}

/** Progress of a rebuild: pages done of pages found. */
export type RebuildProgress = (done: number, total: number) => void;

/**
 * Rebuilds a tenant's canonical records, their indexes (ids, access paths, identity, customer
 * record sets), links, open quarantine entries and dead letters from the archive: every raw page,
 * in the time order it was taken, through every inbound or two-way sync that reads its connection
 * and stream, as it was first ingested (same record ids and source times, which ingestPage
 * derives from the page's key).
 * The tenant's configuration (tenant, connections, syncs, settings) must be in Redis; what the
 * change feed's readers derive (attribution, conversions) follows from the changes this writes.
 * Pages of the first archive layout (by connector) are replayed where exactly one inbound sync of
 * the tenant uses that connector, and skipped otherwise. Then the quarantine entries and dead
 * letters the archive holds open are written back (`restoreEntries`).
 * @example await rebuildTenant(engine.service.svc, 'acme-ford');
 */
export async function rebuildTenant(
  svc: SyncServices,
  tenantId: string,
  progress?: RebuildProgress,
): Promise<RebuildReport> {
  await svc.hub.tenants.get(tenantId);
  const scopes = await inboundScopes(svc, tenantId);
  const report: RebuildReport = {
    tenantId,
    pages: 0,
    records: 0,
    problems: 0,
    quarantine: 0,
    deadLetters: 0,
    skipped: [],
  };
  const pages = await takenInOrder(svc.hub.archive, tenantId, 'raw');
  for (const [i, { key }] of pages.entries()) {
    const targets = targetsOf(parseKey(key)!, scopes);
    if (typeof targets === 'string') report.skipped.push({ key, reason: targets });
    else await replayPage(svc, key, targets, report);
    progress?.(i + 1, pages.length);
  }
  for (const which of ['quarantine', 'deadLetters'] as const) {
    const { restored, skipped } = await restoreEntries(svc, tenantId, which);
    report[which] = restored;
    report.skipped.push(...skipped);
  }
  return report;
}

async function replayPage(
  svc: SyncServices,
  key: string,
  targets: InboundScope[],
  report: RebuildReport,
): Promise<void> {
  const records: Record<string, unknown>[] = [];
  for await (const r of svc.hub.archive.read(key)) records.push(r as Record<string, unknown>);
  for (const scope of targets)
    await ingestPage(svc, scope, records, {
      archived: { key },
      onProblems: (p) => (report.problems += p.length),
    });
  report.pages++;
  report.records += records.length;
}

/** The inbound scopes of a tenant's syncs that read (inbound and two-way), by `<connection>/<stream>`. */
async function inboundScopes(
  svc: SyncServices,
  tenantId: string,
): Promise<Map<string, InboundScope[]>> {
  const out = new Map<string, InboundScope[]>();
  const syncs = (await svc.syncs.list(tenantId)).filter((s) => s.mode !== 'outbound');
  for (const sync of syncs) {
    const scope = await scopeOf(svc, sync);
    const at = `${sync.connectionId}/${scope.stream}`;
    out.set(at, [...(out.get(at) ?? []), scope]);
  }
  return out;
}

async function scopeOf(svc: SyncServices, sync: Sync): Promise<InboundScope> {
  const connection = await svc.hub.connections.get(sync.tenantId, sync.connectionId);
  const mapping = await svc.mappings.get(sync.mapping, sync.tenantId);
  return {
    sync,
    connector: svc.registry.get(connection.connectorId),
    mapping,
    stream: sync.stream ?? mapping.stream,
    twoWay: sync.mode === 'two-way',
  };
}

/** The syncs a page goes through, or why it is skipped. */
function targetsOf(parts: KeyParts, scopes: Map<string, InboundScope[]>): InboundScope[] | string {
  if (parts.layout === 2) {
    const at = `${parts.connectionId}/${parts.stream}`;
    return (
      scopes.get(at) ??
      `no inbound sync reads stream ${parts.stream} of connection ${parts.connectionId}`
    );
  }
  const byConnector = [...scopes.values()]
    .flat()
    .filter((s) => s.connector.id === parts.connectorId);
  if (byConnector.length === 1) return byConnector;
  return byConnector.length === 0
    ? `first-layout page of connector ${parts.connectorId}: no inbound sync uses that connector`
    : `first-layout page of connector ${parts.connectorId}: ${byConnector.length} inbound syncs use it, so its stream is unknown`;
}
