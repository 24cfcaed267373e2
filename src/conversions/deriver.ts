import type { Conversion } from '../canonical/index.ts';
import { FROM_START, LOG_START, WALK_PREFIX, walkStart } from '../feed/positions.ts';
import { FeedReader, type ReaderBatch } from '../feed/reader.ts';
import type { Hub } from '../hub.ts';
import { mergedCustomers } from '../identity/merge.ts';
import { AccessPaths } from '../records/access-paths.ts';
import type { StoredRecord } from '../records/merge.ts';
import type { RecordStore } from '../records/record-store.ts';
import { tryLock } from '../sync/lock.ts';
import type { TenantSettings } from '../tenants/settings.ts';
import { FactsReader } from './facts.ts';
import { GOOGLE_CLICK_ID_TYPES, metaStageEvents, saleConversions } from './rules.ts';
import { markOwners, writeConversions } from './write.ts';

/** Entities whose changes can change conversions, in the order the deriver reads them. */
export const DERIVE_ENTITIES = ['sale', 'lead', 'touchpoint', 'customer'] as const;
/**
 * Readers that never walk: a touchpoint or customer matters only through its customer's sales,
 * and the sale reader's walk derives every sale with what is stored when it reads it, so their
 * walk would derive nothing new (an import of 100,000 contacts read for nothing). They follow
 * the log from before the sale reader's walk instead (`startFollowing`).
 */
const FOLLOW_ONLY: ReadonlySet<string> = new Set(['touchpoint', 'customer']);

/**
 * Places each follow-only reader without a position where the sale reader's walk began, so every
 * change after what that walk read is followed: the log's end now when the sale reader has not
 * started (its walk begins after this), the start of its walk while it walks, and otherwise (a
 * follow-only reader reset after the log was trimmed past it) the log's end with the sale reader
 * reset too, so its walk derives again every sale the lost changes may have touched.
 */
async function startFollowing(
  records: RecordStore,
  tenantId: string,
  readers: ReadonlyMap<string, FeedReader>,
): Promise<void> {
  const sales = readers.get('sale')!;
  let salesAt: string | null = null;
  for (const [entity, reader] of readers) {
    if (!FOLLOW_ONLY.has(entity) || (await reader.position()) !== FROM_START) continue;
    salesAt ??= await sales.position();
    const walking = salesAt.startsWith(WALK_PREFIX);
    if (!walking && salesAt !== FROM_START) {
      await sales.commit(FROM_START);
      salesAt = FROM_START;
    }
    const logEnd = async () => (await records.lastChangeId(tenantId)) ?? LOG_START;
    await reader.commit(walking ? walkStart(salesAt) : await logEnd());
  }
}

/** The customer log entries the deriver follows: those that may hold a merge or a buyer. */
const CUSTOMER_FLAGS = ['m', 'b'] as const;
/** Feed reader kind of the conversion deriver (one position per entity: `conversions:derive:<entity>`). */
export const CONVERSIONS_READER = 'conversions';
/** Changes read per feed batch. */
const BATCH = 500;
/** Sales derived per round of reads. */
const SALES_PER_ROUND = 200;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What one derivation pass did. */
export interface DeriveReport {
  /** Conversion records created or changed. */
  conversions: number;
  /** Customers newly marked `type: owner`. */
  owners: number;
  /** False when another process held the tenant's derivation (it was asked to go again). */
  ran: boolean;
}

/** What one feed batch asks to re-derive. */
interface Work {
  sales: Map<string, StoredRecord | null>;
  customers: Set<string>;
  leads: StoredRecord[];
}

/**
 * The closed loop's conversion deriver: a change-feed reader of sales, leads, touchpoints and
 * customers (its own positions, walk-then-follow like an outbound sync) that derives the
 * conversion records of CLOSED-LOOP.md "Outcomes sent back" for every sale and Meta lead a change
 * touches, and marks buyers as owners. At least once (a batch's position is committed after its
 * writes), idempotent (stable ids, written only when different), resumable (positions in Redis).
 */
export class ConversionDeriver {
  private readonly facts: FactsReader;

  constructor(
    private readonly hub: Hub,
    private readonly records: RecordStore,
  ) {
    this.facts = new FactsReader(records, new AccessPaths(hub.redis, hub.keys));
  }

  /**
   * Reads every entity's feed to its end, deriving as it goes. One pass per tenant at a time.
   * `token` names the pass's holder of the tenant's lock: a queue job gives its job id, so the
   * same job taken back after its worker died takes its own lock back at once (as a sync run
   * does) instead of finding it held until the lock's TTL and giving up.
   */
  async run(tenantId: string, signal?: AbortSignal, token?: string): Promise<DeriveReport> {
    const { redis, keys } = this.hub;
    token ??= `${process.pid}:${Date.now()}:${Math.random()}`;
    const lock = await tryLock(redis, keys.conversionsLock(tenantId), token);
    const report: DeriveReport = { conversions: 0, owners: 0, ran: !!lock };
    if (!lock) {
      await redis.set(keys.conversionsPending(tenantId), '1', 'EX', 3600);
      return report;
    }
    try {
      const settings = await this.hub.settings.get(tenantId);
      const readers = new Map(DERIVE_ENTITIES.map((e) => [e, this.reader(tenantId, e)]));
      await startFollowing(this.records, tenantId, readers);
      for (const [entity, reader] of readers) {
        // Of a changed customer only its id and a merge matter here: only merged ones are read.
        const read =
          entity === 'customer'
            ? (ids: readonly string[]) => mergedCustomers(redis, keys, this.records, tenantId, ids)
            : undefined;
        const next = () => reader.next(BATCH, read);
        for (let batch = await next(); batch; batch = await next()) {
          signal?.throwIfAborted();
          const done = await this.derive(tenantId, workOf(entity, batch), settings);
          report.conversions += done.conversions;
          report.owners += done.owners;
          await reader.commit(batch.next);
        }
      }
      return report;
    } finally {
      await lock.release();
    }
  }

  /** The deriver's reader of one entity's feed. */
  private reader(tenantId: string, entity: (typeof DERIVE_ENTITIES)[number]): FeedReader {
    const { redis, keys } = this.hub;
    // Of customers only a buyer's change or a merge can change a conversion: the log entries of
    // other customers (an import of contacts) are passed over in Redis.
    const flags = entity === 'customer' ? CUSTOMER_FLAGS : undefined;
    const id = `derive:${entity}`;
    return new FeedReader(
      redis,
      keys,
      this.records,
      tenantId,
      CONVERSIONS_READER,
      id,
      entity,
      flags,
    );
  }

  /** Whether a pass was asked for while one ran (cleared by asking). */
  async takePending(tenantId: string): Promise<boolean> {
    return !!(await this.hub.redis.getdel(this.hub.keys.conversionsPending(tenantId)));
  }

  /** Derives and stores the conversions of the sales and leads of one batch. */
  private async derive(tenantId: string, work: Work, settings: TenantSettings) {
    for (const id of await this.facts.salesOf(tenantId, work.customers))
      if (!work.sales.has(id)) work.sales.set(id, null);
    const out: Conversion[] = [];
    const buyers = new Set<string>();
    const ids = [...work.sales.keys()];
    for (let i = 0; i < ids.length; i += SALES_PER_ROUND) {
      const chunk = ids.slice(i, i + SALES_PER_ROUND);
      const unread = chunk.filter((id) => !work.sales.get(id));
      const read = await this.records.getMany(tenantId, 'sale', unread, { lean: true });
      unread.forEach((id, j) => work.sales.set(id, read[j] ?? null));
      const sales = chunk.map((id) => work.sales.get(id)).filter((s): s is StoredRecord => !!s);
      for (const f of await this.facts.saleFacts(tenantId, sales, settings)) {
        out.push(...saleConversions(f));
        if (f.customer) buyers.add(f.customer.id);
      }
    }
    const leadCustomers = await this.facts.survivors(
      tenantId,
      work.leads.flatMap((l) => (l.customerId ? [l.customerId] : [])),
    );
    for (const lead of work.leads)
      out.push(
        ...metaStageEvents(
          lead,
          leadCustomers.get(lead.customerId ?? '') ?? null,
          settings.timeZone,
        ),
      );
    return {
      conversions: await writeConversions(this.records, tenantId, out),
      owners: await markOwners(this.records, tenantId, [...buyers]),
    };
  }
}

/**
 * What a batch of changed records of `entity` asks to re-derive (of customers: every one the batch
 * names, and the survivor of each merged one, the only customers read).
 */
function workOf(entity: string, batch: ReaderBatch): Work {
  const work: Work = { sales: new Map(), customers: new Set(), leads: [] };
  if (entity === 'customer') for (const id of batch.ids) work.customers.add(id);
  for (const r of batch.records) {
    if (entity === 'sale') work.sales.set(r.id, r);
    else if (entity === 'customer') {
      if (str(r.f.mergedInto)) work.customers.add(str(r.f.mergedInto));
    } else if (entity === 'lead') {
      if (str(r.f['clickIds.metaLeadId'])) work.leads.push(r);
      if (r.customerId) work.customers.add(r.customerId);
    } else if (r.customerId && GOOGLE_CLICK_ID_TYPES.some((k) => str(r.f[`clickIds.${k}`])))
      work.customers.add(r.customerId); // a touchpoint matters only with a Google click id
  }
  return work;
}
