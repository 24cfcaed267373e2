import type { FlatFields } from '../records/flat.ts';
import { AccessPaths } from '../records/access-paths.ts';
import { hubWrittenFrom } from './own-writes.ts';
import type { SyncServices } from './services.ts';
import type { SyncMapping } from './sync-mapping.ts';

/**
 * Lead stages that close a lead: a CRM change no longer lands on it by the customer rule (it may
 * still land on it by its origin, or by a landing made before).
 */
export const CLOSED_STAGES: ReadonlySet<string> = new Set(['sold', 'lost']);
/** Touch times far before any record's (epoch ms). */
const BEGINNING = -1e15;

/** One incoming record of a `landsOn` mapping that has no record of its own yet. */
export interface LandingCandidate {
  /** Its record key in the system. */
  key: string;
  /** Its change time (ms): it lands on a lead created at or before it. */
  at: number;
  /** Ids of its origin records in the system (`landsOn.origin.ids`). */
  origin: readonly string[];
  /** The customer identity gave it. */
  customerId?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The hub lead each record of a `landsOn` mapping lands on (null: none, it makes its own), decided
 * in this order (README "Conversions", CRM stage changes):
 * 1. the lead it landed on before (the landings hash of the connection and stream: a landing sticks,
 *    so a re-read, or the deal closing that lead, never moves it elsewhere);
 * 2. the lead the hub wrote one of its origin records from (the origin sink's link table and
 *    write record, see `hubWrittenFrom`): e.g. the contact the hub created from that lead;
 * 3. the customer's most recent lead created at or before the record's change time whose stage
 *    is not closed (ties: the greater id).
 */
export async function landingTargets(
  svc: SyncServices,
  at: { tenantId: string; connectionId: string; stream: string },
  mapping: SyncMapping,
  items: readonly (LandingCandidate | null)[],
): Promise<(string | null)[]> {
  const out: (string | null)[] = items.map(() => null);
  const open = items.flatMap((c, i) => (c ? [i] : []));
  if (open.length === 0) return out;
  const { hub, records } = svc;
  const before = await hub.redis.hmget(
    hub.keys.landings(at.tenantId, at.connectionId, at.stream),
    ...open.map((i) => items[i]!.key),
  );
  open.forEach((i, j) => (out[i] = before[j] ?? null));
  const origin = mapping.landsOn?.origin;
  let rest = open.filter((i) => !out[i]);
  if (origin && rest.length) {
    const ids = [...new Set(rest.flatMap((i) => items[i]!.origin))];
    const from = await hubWrittenFrom(hub, at, origin.sink, ids);
    const leadIds = [...new Set(from.values())];
    const leads = await records.getMany(at.tenantId, 'lead', leadIds, { lean: true });
    const known = new Set(leadIds.filter((_, j) => leads[j]));
    for (const i of rest) {
      const hit = items[i]!.origin.map((id) => from.get(id)).find((l) => !!l && known.has(l));
      if (hit) out[i] = hit;
    }
    rest = rest.filter((i) => !out[i]);
  }
  const paths = new AccessPaths(hub.redis, hub.keys);
  await Promise.all(
    rest.map(async (i) => {
      const c = items[i]!;
      if (c.customerId) out[i] = await latestOpenLead(svc, paths, at.tenantId, c.customerId, c.at);
    }),
  );
  return out;
}

/** The customer's most recent lead created at or before `atMs` that is not closed, or null. */
async function latestOpenLead(
  svc: SyncServices,
  paths: AccessPaths,
  tenantId: string,
  customerId: string,
  atMs: number,
): Promise<string | null> {
  const touches = await paths.touchesOfCustomer(tenantId, customerId, BEGINNING, atMs);
  const ids = touches.filter((t) => t.entity === 'lead').map((t) => t.id);
  if (ids.length === 0) return null;
  const leads = await svc.records.getMany(tenantId, 'lead', ids, { lean: true });
  let best: { id: string; t: number } | null = null;
  for (const l of leads) {
    if (!l || CLOSED_STAGES.has(str(l.f.stage))) continue;
    const t = Date.parse(str(l.f.createdAt));
    if (Number.isNaN(t) || t > atMs) continue;
    if (!best || t > best.t || (t === best.t && l.id > best.id)) best = { id: l.id, t };
  }
  return best?.id ?? null;
}

/** The part of a record that lands on a lead: the `landsOn` fields (and their nested paths). */
export function landingPart(flat: FlatFields, fields: ReadonlySet<string>): FlatFields {
  const out: FlatFields = {};
  for (const k in flat) {
    let hit = fields.has(k);
    for (let dot = k.indexOf('.'); !hit && dot > 0; dot = k.indexOf('.', dot + 1))
      hit = fields.has(k.slice(0, dot));
    if (hit) out[k] = flat[k];
  }
  return out;
}
