import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AccessPaths } from '../../src/records/access-paths.ts';
import { ingestPage, type InboundScope } from '../../src/sync/inbound.ts';
import type { SyncServices } from '../../src/sync/services.ts';
import { people245, returning as cameBack } from '../fixtures/meta/leads-245-people.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { metaInbound } from '../support/meta-inbound.ts';

let t: TestHub;
let svc: SyncServices;
let scope: InboundScope;
const tenantId = 'identity-store';

beforeAll(async () => {
  t = await openTestHub({ LOG_LEVEL: 'warn' });
  ({ svc, scope } = await metaInbound(t.hub, tenantId, 'Identity Motors'));
});
afterAll(() => t.cleanup());

let leadNo = 1_000_000;
/** A Meta Lead Ads lead as the Graph API gives it (mappings/samples/meta-leads.json). */
function metaLead(p: { name: string; email?: string; phone?: string; zip?: string }) {
  const answers: [string, string | undefined][] = [
    ['full_name', p.name],
    ['email', p.email],
    ['phone_number', p.phone],
    ['zip_code', p.zip],
  ];
  return {
    id: String(++leadNo),
    created_time: '2026-11-18T15:42:07+0000',
    form_id: '901234567890123',
    campaign_id: '120210000000000001',
    field_data: answers.filter(([, v]) => v).map(([name, v]) => ({ name, values: [v] })),
  };
}

const leadsOf = async () => {
  const { records } = await svc.records.walk(tenantId, 'lead', null, 100_000);
  return records;
};

describe('identity through inbound pages', () => {
  it('250 Meta leads from 245 people are 245 customers; the Garcias of 78708 stay apart', async () => {
    // Households share a phone; a third are Garcias of 78708; five came back (capitals, formatted).
    const people = people245();
    const again = cameBack(people);
    const all = [...people, ...again].map(metaLead);
    const pages = [all.slice(0, 100), all.slice(100, 200), all.slice(200)];
    await Promise.all(pages.map((page) => ingestPage(svc, scope, page)));

    const leads = (await leadsOf()).filter((l) => Number(l.f['clickIds.metaLeadId']) > 0);
    expect(leads).toHaveLength(250);
    expect(new Set(leads.map((l) => l.customerId)).size).toBe(245);
    const returning = leads.filter((l) => l.matchKey);
    expect(returning).toHaveLength(5);
    expect(returning.every((l) => l.matchConfidence === 'high')).toBe(true);
    // One person's details never overwrote another's: every customer keeps its own email.
    const customers = await svc.records.getMany(tenantId, 'customer', [
      ...new Set(leads.map((l) => l.customerId!)),
    ]);
    const emails = customers.map((c) => String(c!.f.email));
    expect(new Set(emails).size).toBe(245);
    for (const l of leads) {
      const c = customers.find((x) => x!.id === l.customerId)!;
      expect(c.f.email).toBe(String(l.f['customer.email']).toLowerCase());
    }
  });

  it('a merge under concurrent pages leaves one customer with every record and index entry', async () => {
    const email = 'merge.me@example.com';
    const phones = ['+15125557001', '+15125557002'];
    const name = 'Pat Merger';
    // Three customers for one person: by email, by one phone, by the other.
    await ingestPage(svc, scope, [metaLead({ name, email })]);
    await ingestPage(svc, scope, [metaLead({ name, phone: phones[0] })]);
    await ingestPage(svc, scope, [metaLead({ name, phone: phones[1] })]);
    const seeded = (await leadsOf()).filter((l) => l.f['customer.lastName'] === 'Merger');
    expect(new Set(seeded.map((l) => l.customerId)).size).toBe(3);
    const before = await svc.records.lastChangeId(tenantId);

    // Eight pages at once, mixing the keys; some records carry two customers' keys.
    const shapes = [
      { email },
      { phone: phones[0] },
      { phone: phones[1] },
      { email, phone: phones[0] },
    ];
    const pages = Array.from({ length: 8 }, (_, p) =>
      Array.from({ length: 20 }, (_, j) => {
        const shape = shapes[(p + j) % shapes.length]!;
        return metaLead({ name, ...(p === 7 && j === 19 ? { phone: phones[1], email } : shape) });
      }),
    );
    await Promise.all(pages.map((page) => ingestPage(svc, scope, page)));

    const leads = (await leadsOf()).filter((l) => l.f['customer.lastName'] === 'Merger');
    expect(leads).toHaveLength(3 + 160);
    const customerIds = new Set(leads.map((l) => l.customerId));
    expect(customerIds.size).toBe(1);
    const [survivor] = [...customerIds] as string[];
    const idx = (kind: string, key: string) =>
      t.hub.redis.hget(t.hub.keys.identity(tenantId, kind), key);
    expect(await idx('email', email)).toBe(survivor);
    for (const p of phones) expect(await idx('phone', p)).toBe(survivor);
    const members = await t.hub.redis.smembers(t.hub.keys.customerRecords(tenantId, survivor!));
    expect(members.sort()).toEqual(leads.map((l) => `lead:${l.id}`).sort());
    // The two losers are marked merged into the survivor, and those are changes on the feed.
    const losers = [...new Set(seeded.map((l) => l.customerId!))].filter((id) => id !== survivor);
    expect(losers).toHaveLength(2);
    for (const id of losers) expect(await idx('prof', id)).toBeNull(); // profile folded in
    const loserRecs = await svc.records.getMany(tenantId, 'customer', losers);
    expect(loserRecs.map((c) => c!.f.mergedInto)).toEqual([survivor, survivor]);
    // The access paths moved too: every lead is a touch of the survivor, none of a loser.
    const paths = new AccessPaths(t.hub.redis, t.hub.keys);
    const ever = [0, Date.parse('2100-01-01T00:00:00Z')] as const;
    const touches = await paths.touchesOfCustomer(tenantId, survivor!, ...ever);
    expect(touches.map((x) => `${x.entity}:${x.id}`).sort()).toEqual(
      leads.map((l) => `lead:${l.id}`).sort(),
    );
    for (const id of losers)
      expect(await paths.touchesOfCustomer(tenantId, id, ...ever)).toEqual([]);
    const changes = await svc.records.readChanges(tenantId, before ?? '0', 100_000);
    const changed = new Set(changes.filter((c) => c.entity === 'customer').map((c) => c.id));
    for (const id of losers) expect(changed.has(id)).toBe(true);
  });
});
