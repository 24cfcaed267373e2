import { FakeHubSpot, type Reply } from './server.ts';
import { DEFAULT_LEAD_STATUSES, serveContactWrites } from './writes.ts';

interface UpsertInput {
  id: string;
  objectWriteTraceId?: string;
  properties: Record<string, string>;
}

/**
 * A HubSpot portal on loopback for the demo: the strict search of `FakeHubSpot` over contacts,
 * deals, calls, emails and meetings, contacts batch upsert by email that keeps the contacts (so a
 * deal's or engagement's contact can be read back), CRM v3 batch read by id and associations v4
 * batch read (docs/vendors.md (HubSpot)). Objects the demo's salespeople create are added
 * with `add` and linked to their contact with `associate`.
 */
export class HubSpotPortal extends FakeHubSpot {
  /** `<from>/<to>/<fromId>` → associated ids. */
  readonly associations = new Map<string, string[]>();
  /**
   * The account's users (`GET /crm/v3/owners`): salespeople by owner id; `archived` ones (who
   * left) are listed only with `archived=true`, as HubSpot does.
   */
  readonly owners: {
    id: string;
    firstName: string;
    lastName: string;
    email: string;
    archived?: boolean;
  }[] = [];
  private next = 800_000;

  constructor() {
    super();
    this.routes.push(
      ({ method, path, query }) => {
        if (method !== 'GET' || path !== '/crm/v3/owners') return null;
        const archived = query.get('archived') === 'true';
        const listed = this.owners.filter((o) => (o.archived ?? false) === archived);
        return { status: 200, body: { results: listed.map((o) => ({ ...o, archived })) } };
      },
      (r) => this.upsertContacts(r),
      (r) => this.batchRead(r),
      (r) => this.assoc(r),
    );
    serveContactWrites(this, DEFAULT_LEAD_STATUSES);
  }

  /** Adds (or replaces, same id) an object of `type`; returns its id. */
  add(type: string, properties: Record<string, string>, at: string, id = String(this.next++)) {
    const list = this.objects.get(type) ?? [];
    const old = list.findIndex((o) => o.id === id);
    const props = { hs_object_id: id, createdate: at, hs_lastmodifieddate: at, ...properties };
    const obj = { id, properties: props, createdAt: at, updatedAt: at };
    if (old >= 0) {
      obj.createdAt = list[old]!.createdAt;
      obj.properties = { ...list[old]!.properties, ...props, createdate: obj.createdAt };
      list[old] = obj;
    } else list.push(obj);
    this.objects.set(type, list);
    return id;
  }

  /** Links `fromId` (of `from`) to `toId` (of `to`), both ways as HubSpot does. */
  associate(from: string, fromId: string, to: string, toId: string): void {
    for (const [a, ai, b, bi] of [
      [from, fromId, to, toId],
      [to, toId, from, fromId],
    ] as const) {
      const key = `${a}/${b}/${ai}`;
      this.associations.set(key, [...new Set([...(this.associations.get(key) ?? []), bi])]);
    }
  }

  /** The contact with this email, if the hub wrote it. */
  contactByEmail(email: string) {
    return this.objects.get('contacts')?.find((o) => o.properties.email === email.toLowerCase());
  }

  private upsertContacts({ method, path, body }: { method: string; path: string; body: unknown }) {
    if (method !== 'POST' || path !== '/crm/v3/objects/contacts/batch/upsert') return null;
    const inputs = (body as { inputs: UpsertInput[] }).inputs;
    const bad = inputs.some(
      (i) => !DEFAULT_LEAD_STATUSES.includes(i.properties.hs_lead_status ?? 'NEW'),
    );
    if (bad) return null; // the shared route answers the portal's VALIDATION_ERROR
    const now = new Date().toISOString();
    const results = inputs.map((i) => {
      const email = i.id.toLowerCase();
      const id = this.add(
        'contacts',
        { ...i.properties, email },
        now,
        this.contactByEmail(email)?.id,
      );
      return {
        id,
        objectWriteTraceId: i.objectWriteTraceId,
        properties: { email, ...i.properties },
        new: true,
      };
    });
    return { status: 200, body: { status: 'COMPLETE', results } } satisfies Reply;
  }

  private batchRead({ method, path, body }: { method: string; path: string; body: unknown }) {
    const m = /^\/crm\/v3\/objects\/([a-z_]+)\/batch\/read$/.exec(path);
    if (method !== 'POST' || !m) return null;
    const b = body as { properties?: string[]; inputs: { id: string }[] };
    const byId = new Map((this.objects.get(m[1]!) ?? []).map((o) => [o.id, o]));
    const results = b.inputs.flatMap(({ id }) => {
      const o = byId.get(id);
      if (!o) return [];
      const props = Object.fromEntries(
        (b.properties ?? []).map((p) => [p, o.properties[p] ?? null]),
      );
      return [
        {
          id,
          properties: { hs_object_id: id, ...props },
          createdAt: o.createdAt,
          updatedAt: o.updatedAt,
          archived: false,
        },
      ];
    });
    return { status: 200, body: { status: 'COMPLETE', results } } satisfies Reply;
  }

  private assoc({ method, path, body }: { method: string; path: string; body: unknown }) {
    const m = /^\/crm\/v4\/associations\/([a-z_]+)\/([a-z_]+)\/batch\/read$/.exec(path);
    if (method !== 'POST' || !m) return null;
    const results = (body as { inputs: { id: string }[] }).inputs.flatMap(({ id }) => {
      const to = this.associations.get(`${m[1]}/${m[2]}/${id}`) ?? [];
      if (!to.length) return [];
      return [{ from: { id }, to: to.map((t) => ({ toObjectId: t, associationTypes: [] })) }];
    });
    return { status: 200, body: { status: 'COMPLETE', results } } satisfies Reply;
  }
}
