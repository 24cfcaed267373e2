/**
 * The one place that formats Redis keys. Every key of a tenant carries the hash tag `{tenantId}`,
 * so all of a tenant's keys live in one Redis Cluster slot.
 *
 * @example
 * const k = keys('dl');
 * k.connection('acme-motors', 'c_123'); // 'dl:{acme-motors}:conn:c_123'
 */
export function keys(prefix: string) {
  const t = (tenantId: string, rest: string) => `${prefix}:{${tenantId}}:${rest}`;
  return {
    ...accessKeys(prefix, t),
    ...recordKeys(t),
    ...syncKeys(t),
    ...migrationKeys(t),
    ...closedLoopKeys(t),
    ...mappingKeys(t),
  };
}

/** Formats one key of a tenant: `<prefix>:{<tenantId>}:<rest>`. */
type TenantKey = (tenantId: string, rest: string) => string;

/** Tenants, API keys, dashboard sessions, connections, sentinels and queues. */
function accessKeys(prefix: string, t: TenantKey) {
  return {
    prefix,
    /** Set of all tenant ids (global index). */
    tenants: () => `${prefix}:tenants`,
    /** Hash: the tenant's profile. */
    tenant: (tenantId: string) => t(tenantId, 'tenant'),
    /** Hash: the tenant's closed-loop settings, setting name → JSON value (src/tenants/settings.ts). */
    settings: (tenantId: string) => t(tenantId, 'settings'),
    /** Hash: one API key's record, found by its public id (global, since auth starts from the key). */
    apiKey: (keyId: string) => `${prefix}:apikey:${keyId}`,
    /** String: one dashboard session (JSON: key id, tenant, role, CSRF token), with a TTL. */
    uiSession: (sessionId: string) => `${prefix}:uisession:${sessionId}`,
    /** String: a one-time dashboard sign-in link (JSON: the API key id), with a short TTL. */
    uiLoginLink: (token: string) => `${prefix}:uilogin:${token}`,
    /** Set: ids of the tenant's API keys. */
    tenantApiKeys: (tenantId: string) => t(tenantId, 'apikeys'),
    /** Set of all tenant group ids (global index). */
    groups: () => `${prefix}:groups`,
    /** Hash: one tenant group's profile (name, createdAt); tagged `{grp:<id>}`, never a tenant's slot. */
    group: (groupId: string) => `${prefix}:{grp:${groupId}}:group`,
    /** Set: the member tenant ids of a group. */
    groupMembers: (groupId: string) => `${prefix}:{grp:${groupId}}:members`,
    /** Set: ids of a group's API keys. */
    groupApiKeys: (groupId: string) => `${prefix}:{grp:${groupId}}:apikeys`,
    /** Set: ids of the hub's own (operator) API keys, which manage groups. */
    hubApiKeys: () => `${prefix}:hub:apikeys`,
    /** Hash: one connection. */
    connection: (tenantId: string, connectionId: string) => t(tenantId, `conn:${connectionId}`),
    /** String: a connection's current OAuth access token, sealed (`ConnectionStore.tokenCache`), with a TTL. */
    oauthToken: (tenantId: string, connectionId: string) =>
      t(tenantId, `conn:${connectionId}:token`),
    /** Set: ids of the tenant's connections. */
    connections: (tenantId: string) => t(tenantId, 'conns'),
    /**
     * String: the tenant's data sentinel, a generation id written with the tenant's first run and
     * kept in the tenant's slot; gone means Redis lost the tenant's data (`src/store/sentinel.ts`).
     */
    tenantSentinel: (tenantId: string) => t(tenantId, 'sentinel'),
    /** String: the hub's data sentinel (global), checked by `/readyz`. */
    sentinel: () => `${prefix}:sentinel`,
    /** Prefix for BullMQ queue keys; the hash tag keeps a queue in one Redis Cluster slot. */
    queuePrefix: () => `${prefix}:{q}`,
  };
}

/** Canonical records, their access paths, the change feed and identity. */
function recordKeys(t: TenantKey) {
  return {
    /** Hash: canonical records of one entity, id → `<version>|<JSON body>` (a page is one HMGET / HSET). */
    records: (tenantId: string, entity: string) => t(tenantId, `rec:${entity}`),
    /**
     * Sorted set: every record id of one entity, all at score 0, so ZRANGEBYLEX walks them in id
     * order from a position that is a record id (it means the same after a restart or failover).
     */
    recordIds: (tenantId: string, entity: string) => t(tenantId, `ids:${entity}`),
    /**
     * Sorted set: one customer's touches (`<entity>:<id>` of leads, touchpoints, activities and
     * sales), scored by the record's time in epoch ms (a sale's date at 00:00Z). Kept by the CAS
     * script, which is given `customerTouches(tenantId, '')` as the prefix of these keys.
     */
    customerTouches: (tenantId: string, customerId: string) => t(tenantId, `touch:${customerId}`),
    /**
     * Set: every customer a sale was written for (kept by the CAS script; a customer whose sales
     * all moved to another by a merge stays), so readers of changed customers read the touches of
     * those that can have sales only.
     */
    buyers: (tenantId: string) => t(tenantId, 'buyers'),
    /**
     * Sorted set: record ids of one entity by time: epoch ms for instants (lead.createdAt,
     * touchpoint/activity.occurredAt), days since 1970-01-01 for dates (sale.saleDate, spend.date).
     */
    recordsByDate: (tenantId: string, entity: string) => t(tenantId, `bydate:${entity}`),
    /** Set: the change-feed readers of one entity, `<kind>:<id>` (`src/feed/registry.ts`). */
    feedReaders: (tenantId: string, entity: string) => t(tenantId, `feed:readers:${entity}`),
    /** String: set once the tenant's outbound syncs were all registered as feed readers. */
    feedRegistered: (tenantId: string) => t(tenantId, 'feed:registered'),
    /** Hash: positions of the tenant's change-feed readers other than syncs, reader → position. */
    feedPositions: (tenantId: string) => t(tenantId, 'feed:positions'),
    /** Stream: the tenant's change log, one entry per committed batch of changes of one entity. */
    changes: (tenantId: string) => t(tenantId, 'changes'),
    /**
     * Hash: identity index of one kind: `email`, `phone` (normalized key → customer id), `np` (weak
     * key → comma-joined customer ids), `prof` (customer id → identity profile), `merged` (merged
     * customer id → the customer it went into). See src/identity/resolve-script.ts.
     */
    identity: (tenantId: string, kind: string) => t(tenantId, `idx:${kind}`),
    /**
     * Set: a customer's records (`<entity>:<id>`), which a merge re-points. The identity script
     * builds these keys from `customerRecords(tenantId, '')` as a prefix (same hash tag).
     */
    customerRecords: (tenantId: string, customerId: string) =>
      t(tenantId, `idx:recs:${customerId}`),
  };
}

/** Links, destinations, syncs and their runs, entries and limits. */
function syncKeys(t: TenantKey) {
  return {
    /** Hash: external record key → canonical id, for one connection and stream or sink. */
    links: (tenantId: string, connectionId: string, stream: string) =>
      t(tenantId, `link:${connectionId}:${stream}`),
    /**
     * Hash: external record key → the hub lead it landed on (a `landsOn` mapping's records that
     * move an existing lead), for one connection and stream. See src/sync/landing.ts.
     */
    landings: (tenantId: string, connectionId: string, stream: string) =>
      t(tenantId, `land:${connectionId}:${stream}`),
    /**
     * Hash: canonical id → what that system has of the record, for one connection and stream or
     * sink: the hash of the fields last written to (or read from) it, and its id there
     * (`src/sync/destinations.ts`).
     */
    destinations: (tenantId: string, connectionId: string, stream: string) =>
      t(tenantId, `dest:${connectionId}:${stream}`),
    /**
     * Hash: creates sent through one connection's sink whose answers are not recorded yet, one
     * field per batch (`<syncId>:<uuid>` → JSON `[[canonicalId, idempotencyKey], ...]`), written
     * before the batch is sent and deleted with the write of its answers (src/sync/pending-creates.ts).
     */
    pendingCreates: (tenantId: string, connectionId: string, sink: string) =>
      t(tenantId, `pend:${connectionId}:${sink}`),
    /** Hash: one sync's definition and state. */
    sync: (tenantId: string, syncId: string) => t(tenantId, `sync:${syncId}`),
    /** Set: the tenant's sync ids. */
    syncs: (tenantId: string) => t(tenantId, 'syncs'),
    /** String: lock held by the one running run of a sync. */
    syncLock: (tenantId: string, syncId: string) => t(tenantId, `sync:${syncId}:lock`),
    /** String: set when a run was asked for while another was running. */
    syncPending: (tenantId: string, syncId: string) => t(tenantId, `sync:${syncId}:pending`),
    /** List: run ids of a sync, newest first (bounded). */
    runs: (tenantId: string, syncId: string) => t(tenantId, `sync:${syncId}:runs`),
    /** String: one run's report (JSON). */
    run: (tenantId: string, runId: string) => t(tenantId, `run:${runId}`),
    /** Hash: quarantined records by entry id (JSON). */
    quarantine: (tenantId: string) => t(tenantId, 'quarantine'),
    /** Hash: dead letters (outbound items that kept failing) by entry id (JSON). */
    deadLetters: (tenantId: string) => t(tenantId, 'dead'),
    /**
     * Sorted set, all at score 0: the order of a tenant's quarantine entries or dead letters,
     * members `<at ISO>|<entry id>`, so ZRANGEBYLEX pages them oldest first from a cursor.
     */
    entryOrder: (tenantId: string, which: 'quarantine' | 'deadLetters') =>
      t(tenantId, which === 'quarantine' ? 'quarantine:order' : 'dead:order'),
    /**
     * A connection's own data keys besides `connection` and `oauthToken`, for deleting it: a SCAN
     * pattern of the tenant's keys (`match`) and whether a key found is the connection's (`owns`):
     * links, landings, destinations and pending creates of any stream or sink (generic connectors
     * take any name), its rate buckets and in-flight leases.
     */
    connectionData: (tenantId: string, connectionId: string) => {
      const own = ['link', 'land', 'dest', 'pend', 'rl'].map((f) =>
        t(tenantId, `${f}:${connectionId}:`),
      );
      const exact = [t(tenantId, `rl:${connectionId}`), t(tenantId, `cc:${connectionId}`)];
      return {
        match: `${t(tenantId, '').replace(/[[\]*?\\]/g, '\\$&')}*`,
        owns: (key: string) => exact.includes(key) || own.some((p) => key.startsWith(p)),
      };
    },
    /** Hash: a connection's shared token bucket (or that of one of its endpoint limits). */
    rateBucket: (tenantId: string, connectionId: string, endpoint?: string) =>
      t(tenantId, endpoint ? `rl:${connectionId}:${endpoint}` : `rl:${connectionId}`),
    /** Sorted set: leases of requests in flight to a connection (shared concurrency limit). */
    inFlight: (tenantId: string, connectionId: string) => t(tenantId, `cc:${connectionId}`),
  };
}

/** Migrations applied to a tenant, their lock and their resumable state. */
function migrationKeys(t: TenantKey) {
  return {
    /** Hash: migration id → JSON `{ doneAt, changed }` of every migration applied to the tenant. */
    migrations: (tenantId: string) => t(tenantId, 'migrations'),
    /** String: token of the one process running the tenant's migrations (expires unless renewed). */
    migrationLock: (tenantId: string) => t(tenantId, 'migrations:lock'),
    /**
     * A migration's own resumable state (a hash by default, or another `part` of it such as the set
     * of records already converted), kept until the migration is marked done.
     */
    migrationState: (tenantId: string, migrationId: string, part = 'state') =>
      t(tenantId, `migration:${migrationId}:${part}`),
  };
}

/** Attribution, data quality and the conversion deriver. */
function closedLoopKeys(t: TenantKey) {
  return {
    /**
     * Hash of one attribution generation (a full recompute writes a new one beside the live one;
     * `attrMeta.gen` names the live one): `part` `sales` (sale id → its attribution, JSON
     * `SaleAttribution`, src/attribution/attribute.ts), `deals` (DMS deal number → sale id),
     * `seen` (what attribution last accounted for each lead, touchpoint and spend row,
     * `<entity>:<id>` → src/attribution/seen.ts, so a change can undo the old contribution),
     * `days` (tenant date → its version: the dates that have `attrDay` hashes; a recompute writes
     * `1`, every incremental write of a date's hashes a new token in the same script, so a report
     * may keep a parsed day while its version stands), and the compact copy a full recompute
     * reads (src/attribution/packed.ts): `timelines` (customer id with a sale → its packed
     * touches) and `saleInputs` (sale id → its packed attribution input).
     */
    attrGen: (
      tenantId: string,
      gen: string,
      part: 'sales' | 'deals' | 'seen' | 'days' | 'timelines' | 'saleInputs',
    ) => t(tenantId, `attr:g:${gen}:${part}`),
    /**
     * Hash of one tenant date's rollups in a generation: `<channel>␟<campaign>` →
     * `<spend cents>;<leads>` for `kind` `base`, or `<sold>;<gross>;<revenue>` exact fractions
     * for a model; a report over a range reads one hash per date.
     */
    attrDay: (tenantId: string, gen: string, kind: string, date: string) =>
      t(tenantId, `attr:g:${gen}:${kind}:${date}`),
    /** Attribution hashes of the layout before generations (deleted by the first recompute). */
    attrLegacy: (tenantId: string, models: readonly string[]) => [
      ...['sales', 'deals', 'base', 'seen'].map((part) => t(tenantId, `attr:${part}`)),
      ...models.map((m) => t(tenantId, `attr:roll:${m}`)),
    ],
    /**
     * Hash: attribution state: `state` (generation and the settings it was computed with),
     * `gen` (the live generation), `recompute` progress JSON.
     */
    attrMeta: (tenantId: string) => t(tenantId, 'attr:meta'),
    /** String: token of the one job updating the tenant's attribution (expires unless renewed). */
    attrLock: (tenantId: string) => t(tenantId, 'attr:lock'),
    /**
     * Hash: data quality of one tenant import day (`YYYY-MM-DD`, tenant zone):
     * `<connectionId>␟<counter>` → count (src/quality/counters.ts).
     */
    quality: (tenantId: string, day: string) => t(tenantId, `dq:${day}`),
    /** String: lock held by the one pass of the tenant's conversion deriver (src/conversions). */
    conversionsLock: (tenantId: string) => t(tenantId, 'conv:lock'),
    /** String: set when a conversion pass was asked for while another ran. */
    conversionsPending: (tenantId: string) => t(tenantId, 'conv:pending'),
    /**
     * String: set while a pass of derived reader `name` waits in the queue for the tenant, so
     * more changes meanwhile queue no second one (cleared when the pass starts).
     */
    derivedQueued: (tenantId: string, name: string) => t(tenantId, `derive:queued:${name}`),
  };
}

/** The tenant's own mappings (src/mappings-store/). */
function mappingKeys(t: TenantKey) {
  return {
    /** Sorted set, all at score 0: names of the tenant's live mappings (ZRANGEBYLEX pages them). */
    tenantMappings: (tenantId: string) => t(tenantId, 'mappings'),
    /**
     * Hash: one tenant mapping's versions: `seq` (the last version number), `latest`
     * (`<version>|<content hash>`, absent once deleted), `kind` (`<connector>|<stream>|<entity>`,
     * fixed by the first version), `m:<n>` (JSON: hash, who and when) and `y:<n>` (the YAML text)
     * of each version n, `deleted` (JSON: who and when, while deleted).
     */
    tenantMapping: (tenantId: string, name: string) => t(tenantId, `mapping:${name}`),
  };
}

export type Keys = ReturnType<typeof keys>;

/** Tenant and record ids: short, URL-safe, and free of Redis hash-tag braces. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
