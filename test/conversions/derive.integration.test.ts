import { describe, expect, it, vi } from 'vitest';

import { useEngineWithSystems } from '../support/engine.ts';
import { conversionWorld } from './world.ts';

const t = useEngineWithSystems('crm');

/** The sale day of every case: a Chicago summer date (UTC-05:00). */
const D = '2026-06-21';
let seq = 0;
const lead = (email: string, created: string, more: Record<string, unknown> = {}) => ({
  id: `L-${++seq}`,
  created_at: created,
  updated_at: created,
  stage: 'new',
  source: 'website',
  email,
  ...more,
});
/** A Meta Lead Ads lead (its leadgen id as the click id Meta's events name). */
const metaLead = (email: string, created: string, metaId: string) =>
  lead(email, created, { source: 'meta', meta_lead_id: metaId });
const sale = (deal: string, email: string, more: Record<string, unknown> = {}) => ({
  id: `S-${deal}`,
  deal_number: deal,
  sale_date: D,
  new_used: 'used',
  total_gross: '2785.50',
  email,
  ...more,
});

describe('conversions derived from sales, leads and clicks (real Redis, through the engine)', () => {
  it('Google: the most recent click id within D-90..D, at noon or one minute after a later click', async () => {
    const w = await conversionWorld(t.h, t.crm);
    // ann: an older gclid, then a newer one later on the sale day (15:30:15 Chicago time)
    t.crm.put('leads', lead('ann@example.com', '2026-05-01T15:00:00Z', { gclid: 'G-ann-old' }));
    t.crm.put('clicks', {
      id: 'K-ann',
      occurred_at: '2026-06-21T20:30:15.250Z',
      gclid: 'G-ann',
      email: 'ann@example.com',
    });
    t.crm.put('sales', sale('1001', 'ann@example.com'));
    // bob: his only click is 91 tenant days before (March 22 at 23:30 Chicago; March 23 in UTC)
    t.crm.put('clicks', {
      id: 'K-bob',
      occurred_at: '2026-03-22T23:30:00-05:00',
      gclid: 'G-bob',
      email: 'bob@example.com',
    });
    t.crm.put('sales', sale('1002', 'bob@example.com'));
    // cid: a wbraid exactly 90 tenant days before, early that morning
    t.crm.put('clicks', {
      id: 'K-cid',
      occurred_at: '2026-03-23T00:30:00-05:00',
      wbraid: 'W-cid',
      email: 'cid@example.com',
    });
    t.crm.put('sales', sale('1003', 'cid@example.com'));
    // a click on the day after the sale never counts
    t.crm.put('clicks', {
      id: 'K-cid-late',
      occurred_at: '2026-06-22T15:00:00Z',
      gclid: 'G-after',
      email: 'cid@example.com',
    });
    expect((await w.sync()).conversions).toBe(2);

    const all = await w.conversions();
    const ann = await w.customerByEmail('ann@example.com');
    expect(all.get('google-ads:1001')).toEqual({
      id: 'google-ads:1001',
      destination: 'google-ads',
      kind: 'click',
      eventName: 'purchase',
      eventId: '1001',
      eventTime: '2026-06-21T15:31:15-05:00',
      orderId: '1001',
      valueCents: 278550,
      currency: 'USD',
      clickIdType: 'gclid',
      clickId: 'G-ann',
      customerId: ann!.id,
      saleId: expect.stringMatching(/^sal_/),
      // Sent hashed only where the connection asks for identifiers on click conversions.
      user: { email: 'ann@example.com' },
    });
    expect(all.has('google-ads:1002')).toBe(false);
    expect(all.get('google-ads:1003')).toMatchObject({
      kind: 'click',
      eventTime: '2026-06-21T12:00:00-05:00',
      clickIdType: 'wbraid',
      clickId: 'W-cid',
    });
    // the matched buyers are owners now; the record write went on the change feed
    expect(ann!.f.type).toBe('owner');
    expect((await w.customerByEmail('bob@example.com'))!.f.type).toBe('owner');
  });

  it('Google: a Google lead with no click id but an email or phone goes as an enhanced conversion for leads', async () => {
    const w = await conversionWorld(t.h, t.crm);
    t.crm.put(
      'leads',
      lead('dee@example.com', '2026-06-01T15:00:00Z', {
        source: 'google',
        phone: '(512) 555-0142',
        first_name: 'Dee',
        last_name: 'Diaz',
      }),
    );
    t.crm.put('sales', sale('1004', 'dee@example.com', { state: 'tx', zip: '78701' }));
    // a website lead without click id is not a Google lead
    t.crm.put('leads', lead('hal@example.com', '2026-06-01T15:00:00Z'));
    t.crm.put('sales', sale('1008', 'hal@example.com'));
    await w.sync();
    const all = await w.conversions();
    expect(all.get('google-ads:1004')).toMatchObject({
      kind: 'enhanced_lead',
      eventTime: '2026-06-21T12:00:00-05:00',
      orderId: '1004',
      valueCents: 278550,
      user: { email: 'dee@example.com', phone: '+15125550142', firstName: 'Dee', lastName: 'Diaz' },
    });
    expect(all.get('google-ads:1004')!.clickId).toBeUndefined();
    expect(all.has('google-ads:1008')).toBe(false);
  });

  it('Meta: Purchase for the most recent Meta lead in the window, at D 12:00, valued at total gross', async () => {
    const w = await conversionWorld(t.h, t.crm);
    const meta = (id: string, created: string) => metaLead('eve@example.com', created, id);
    t.crm.put('leads', meta('111111111111111', '2026-05-22T15:00:00Z'));
    t.crm.put('leads', meta('222222222222222', '2026-06-16T15:00:00Z'));
    t.crm.put('leads', meta('333333333333333', '2026-06-22T15:00:00Z')); // after the sale day
    t.crm.put('leads', meta('999999999999999', '2026-03-01T15:00:00Z')); // before the lookback
    t.crm.put(
      'sales',
      sale('1005', 'eve@example.com', {
        total_gross: undefined,
        front_gross: '1000.00',
        back_gross: '500.00',
      }),
    );
    await w.sync();
    const purchases = [...(await w.conversions()).values()].filter((c) => c.kind === 'purchase');
    expect(purchases).toEqual([
      expect.objectContaining({
        id: 'meta:222222222222222:Purchase:1005',
        destination: 'meta',
        eventName: 'Purchase',
        eventId: '222222222222222:Purchase:1005',
        eventTime: '2026-06-21T12:00:00-05:00',
        metaLeadId: '222222222222222',
        valueCents: 150000,
        currency: 'USD',
        user: { email: 'eve@example.com' },
      }),
    ]);
  });

  it("a buyer's later change re-derives the sale's conversion; another customer's change is passed over", async () => {
    const w = await conversionWorld(t.h, t.crm);
    t.crm.put('leads', metaLead('zed@example.com', '2026-06-10T15:00:00Z', '444444444444444'));
    t.crm.put('leads', lead('amy@example.com', '2026-06-10T15:00:00Z'));
    t.crm.put('sales', sale('1007', 'zed@example.com'));
    await w.sync();
    const purchase = async () =>
      [...(await w.conversions()).values()].find(
        (c) => c.id === 'meta:444444444444444:Purchase:1007',
      );
    expect((await purchase())?.user).toEqual({ email: 'zed@example.com' });
    const change = async (email: string, f: Record<string, string>) => {
      const c = (await w.customerByEmail(email))!;
      Object.assign(c.f, f);
      const lost = await w.svc.records.writeMany(t.h.tenantId, [
        { record: c, expected: c.v, changed: Object.keys(f), sourceConnectionId: 'crm' },
      ]);
      expect(lost).toEqual([]);
    };
    await change('amy@example.com', { phone: '+15125550100' });
    expect(await w.deriver.run(t.h.tenantId)).toMatchObject({ conversions: 0 });
    await change('zed@example.com', { phone: '+15125550199' });
    expect(await w.deriver.run(t.h.tenantId)).toMatchObject({ conversions: 1 });
    expect((await purchase())?.user).toEqual({ email: 'zed@example.com', phone: '+15125550199' });
  });

  it('walks sales and leads only; touchpoints and customers are followed from before the sale walk', async () => {
    const w = await conversionWorld(t.h, t.crm);
    t.crm.put('leads', metaLead('kim@example.com', '2026-06-10T15:00:00Z', '555555555555555'));
    t.crm.put('sales', sale('1008', 'kim@example.com'));
    await w.ingest();
    const walked: string[] = [];
    const original = w.svc.records.walkIds.bind(w.svc.records);
    const walkIds = vi
      .spyOn(w.svc.records, 'walkIds')
      .mockImplementation((tenant, entity, after, count) => {
        walked.push(entity);
        return original(tenant, entity, after, count);
      });
    try {
      expect(await w.deriver.run(t.h.tenantId)).toMatchObject({ conversions: 1 });
      expect([...new Set(walked)].sort()).toEqual(['lead', 'sale']);
      const positions = await t.h.hub.redis.hgetall(t.h.hub.keys.feedPositions(t.h.tenantId));
      const last = await w.svc.records.lastChangeId(t.h.tenantId);
      expect(positions['conversions:derive:customer']).toBe(last);
      expect(positions['conversions:derive:touchpoint']).toBe(last);
      // A follow-only reader reset (the log trimmed past it) has every sale walked again.
      await t.h.hub.redis.hset(
        t.h.hub.keys.feedPositions(t.h.tenantId),
        'conversions:derive:customer',
        '0',
      );
      walked.length = 0;
      expect(await w.deriver.run(t.h.tenantId)).toMatchObject({ conversions: 0 });
      expect([...new Set(walked)]).toEqual(['sale']);
    } finally {
      walkIds.mockRestore();
    }
  });

  it('Meta: one CRM event per stage change of a Meta lead, at the change, in the tenant offset', async () => {
    const w = await conversionWorld(t.h, t.crm);
    const fay = metaLead('fay@example.com', '2026-10-31T15:00:00Z', '444444444444444');
    t.crm.put('leads', fay);
    await w.sync();
    const steps: [string, string][] = [
      ['contacted', '2026-10-31T15:12:00Z'],
      ['appointment', '2026-11-02T16:00:00Z'],
      ['shown', '2026-11-04T21:30:00Z'],
      ['sold', '2026-11-05T23:45:10Z'],
    ];
    // The clocks go back on 2026-11-01 in Chicago: times keep the offset of their own instant.
    for (const [stage, at] of steps) {
      t.crm.put('leads', { ...fay, stage, updated_at: at });
      await w.sync();
    }
    const events = [...(await w.conversions()).values()].filter((c) => c.kind === 'crm_stage');
    expect(events.map((e) => [e.id, e.eventName, e.eventId, e.eventTime])).toEqual([
      [
        'meta:444444444444444:appointment',
        'appointment',
        '444444444444444:appointment',
        '2026-11-02T10:00:00-06:00',
      ],
      [
        'meta:444444444444444:contacted',
        'contacted',
        '444444444444444:contacted',
        '2026-10-31T10:12:00-05:00',
      ],
      ['meta:444444444444444:shown', 'shown', '444444444444444:shown', '2026-11-04T15:30:00-06:00'],
      ['meta:444444444444444:sold', 'sold', '444444444444444:sold', '2026-11-05T17:45:10-06:00'],
    ]);
    expect(
      events.every((e) => e.metaLeadId === '444444444444444' && e.destination === 'meta'),
    ).toBe(true);
    // a lead is no buyer: no sale, no owner
    expect((await w.customerByEmail('fay@example.com'))!.f.type).not.toBe('owner');
  });

  it('a re-run derives nothing new; a lead imported after its sale derives the Purchase then', async () => {
    const w = await conversionWorld(t.h, t.crm);
    t.crm.put('leads', lead('gus@example.com', '2026-06-01T15:00:00Z', { gclid: 'G-gus' }));
    t.crm.put('sales', sale('1007', 'gus@example.com'));
    expect(await w.sync()).toEqual({ conversions: 1, owners: 1, ran: true });
    const before = await t.h.hub.redis.hgetall(t.h.hub.keys.records(t.h.tenantId, 'conversion'));
    expect(await w.sync()).toEqual({ conversions: 0, owners: 0, ran: true });
    // a full re-derivation (positions reset: every record walked again) writes nothing either
    await t.h.hub.redis.del(t.h.hub.keys.feedPositions(t.h.tenantId));
    expect(await w.sync()).toEqual({ conversions: 0, owners: 0, ran: true });
    expect(await t.h.hub.redis.hgetall(t.h.hub.keys.records(t.h.tenantId, 'conversion'))).toEqual(
      before,
    );

    t.crm.put('leads', metaLead('gus@example.com', '2026-06-19T15:00:00Z', '555555555555555'));
    expect((await w.sync()).conversions).toBe(1);
    expect((await w.conversions()).get('meta:555555555555555:Purchase:1007')).toMatchObject({
      eventTime: '2026-06-21T12:00:00-05:00',
    });
  });
});
