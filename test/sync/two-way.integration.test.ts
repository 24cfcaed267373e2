import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('a', 'b');

const svc = () => t.h.engine.service.svc;
const run = (syncId: string) => runSync(svc(), t.h.tenantId, syncId, 'manual');

async function twoSystems() {
  const connA = await t.h.connect('http-json', t.a);
  const connB = await t.h.connect('crm-b', t.b);
  const syncA = await t.h.addSync({
    connectionId: connA,
    mapping: 'crm-a-contacts',
    mode: 'two-way',
  });
  const syncB = await t.h.addSync({
    connectionId: connB,
    mapping: 'crm-b-people',
    mode: 'two-way',
  });
  return { connA, connB, syncA, syncB };
}

describe('two-way sync', () => {
  it('carries a change from A to B, and B echoing it back writes nothing to A', async () => {
    const { connB, syncA, syncB } = await twoSystems();
    t.a.put('contacts', {
      id: 'a-1',
      email: ' Jane.Doe@Example.COM ',
      first_name: 'jane',
      last_name: 'doe',
      phone: '(512) 555-0142',
      updated_at: '2026-11-20T10:00:00Z',
    });

    const first = await run(syncA.id);
    expect(first?.counts).toMatchObject({ read: 1, created: 1, written: 0, skipped: 1 });
    await run(syncB.id);
    expect(t.b.count('POST', '/people/batch')).toBe(1);
    expect(t.b.list('people')).toEqual([
      expect.objectContaining({
        contact: {
          email: 'jane.doe@example.com',
          given_name: 'Jane',
          family_name: 'Doe',
          phone: '+15125550142',
        },
      }),
    ]);

    // B echoes the record back through its webhook, as many CRMs do after an API write.
    const echo = JSON.stringify({
      stream: 'people',
      records: t.b.list('people').map((r) => ({ ...r, modified: '2026-11-20T10:05:00Z' })),
    });
    const app = createApp(t.h.hub, t.h.engine.service);
    const res = await app.request(`/hooks/${t.h.tenantId}/${connB}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-dealerloop-signature': `sha256=${createHmac('sha256', 'whsec-0123456789abcdef').update(echo).digest('hex')}`,
      },
      body: echo,
    });
    expect(res.status).toBe(200);
    const job = (await t.h.engine.queue.queue.getJobs(['waiting']))[0]!;
    expect(job.name).toBe('webhook');
    const processed = await t.h.engine.queue.processor().process(job);
    // Only B's own modification time is new; no field that A receives changed.
    expect(processed).toMatchObject({ counts: { read: 1, created: 0, quarantined: 0 } });

    const again = await run(syncA.id);
    expect(again?.counts).toMatchObject({ written: 0, skipped: 1 });
    await run(syncB.id);
    expect(t.a.count('POST', '/contacts/batch')).toBe(0);
    expect(t.b.count('POST', '/people/batch')).toBe(1);
  });

  it('refuses a webhook with a bad signature and stores nothing', async () => {
    const { connB } = await twoSystems();
    const app = createApp(t.h.hub, t.h.engine.service);
    const res = await app.request(`/hooks/${t.h.tenantId}/${connB}`, {
      method: 'POST',
      headers: { 'x-dealerloop-signature': 'sha256=' + '0'.repeat(64) },
      body: JSON.stringify({ stream: 'people', records: [{ id: 'x' }] }),
    });
    expect(res.status).toBe(401);
    expect(await t.h.engine.queue.queue.count()).toBe(0);
  });

  it('resolves a conflict by the field owner, the same way whichever system runs first', async () => {
    const finals: unknown[] = [];
    for (const order of [
      ['A', 'B'],
      ['B', 'A'],
    ]) {
      const { syncA, syncB } = await twoSystems();
      const tag = order.join('').toLowerCase();
      t.a.put('contacts', {
        id: `a-${tag}`,
        email: `sam-${tag}@example.com`,
        first_name: 'Sam',
        last_name: 'Lee',
        updated_at: '2026-11-20T10:00:00Z',
      });
      await run(syncA.id);
      await run(syncB.id);
      const bId = t.b
        .list('people')
        .find((r) => (r.contact as { email: string }).email === `sam-${tag}@example.com`)!
        .id as string;
      // Both sides change first name and last name between runs; A's change is the newer one.
      t.b.put('people', {
        id: bId,
        contact: { email: `sam-${tag}@example.com`, given_name: 'Samuel', family_name: 'Lee-Park' },
        modified: '2026-11-21T09:00:00Z',
      });
      t.a.put('contacts', {
        id: `a-${tag}`,
        email: `sam-${tag}@example.com`,
        first_name: 'Sammy',
        last_name: 'Lee-Kim',
        updated_at: '2026-11-21T10:00:00Z',
      });
      const syncs = { A: syncA.id, B: syncB.id };
      for (const side of order) await run(syncs[side as 'A' | 'B']);
      for (const side of order) await run(syncs[side as 'A' | 'B']);
      const customers = await svc().records.getMany(t.h.tenantId, 'customer', [
        (await t.h.hub.redis.hget(
          t.h.hub.keys.links(t.h.tenantId, syncA.connectionId, 'contacts'),
          `a-${tag}`,
        ))!,
      ]);
      const f = customers[0]!.f;
      // firstName is owned by crm-b: B's value wins though A's is newer; lastName is `latest`: A's newer value wins.
      expect(f).toMatchObject({ firstName: 'Samuel', lastName: 'Lee-Kim' });
      expect(t.a.list('contacts').find((r) => r.id === `a-${tag}`)).toMatchObject({
        first_name: 'Samuel',
        last_name: 'Lee-Kim',
      });
      expect(t.b.list('people').find((r) => r.id === bId)).toMatchObject({
        contact: expect.objectContaining({ given_name: 'Samuel', family_name: 'Lee-Kim' }),
      });
      finals.push({ firstName: f.firstName, lastName: f.lastName });
    }
    expect(finals[0]).toEqual(finals[1]);
  });
});

describe('quarantine', () => {
  it('holds an invalid record with the reason; fixed and replayed, it arrives', async () => {
    const { syncA, syncB } = await twoSystems();
    t.a.put('contacts', {
      id: 'a-bad',
      email: 'not-an-email',
      first_name: 'Pat',
      updated_at: '2026-11-20T10:00:00Z',
    });
    t.a.put('contacts', {
      id: 'a-ok',
      email: 'ok@example.com',
      first_name: 'Ok',
      phone: '555',
      updated_at: '2026-11-20T10:00:00Z',
    });
    const report = await run(syncA.id);
    expect(report?.counts).toMatchObject({ read: 2, created: 1, quarantined: 1 });
    const entries = await svc().quarantine.list(t.h.tenantId);
    const bad = entries.find((e) => e.externalKey === 'a-bad')!;
    expect(bad.problems).toEqual([{ field: 'email', reason: expect.stringMatching(/email/i) }]);
    expect(bad.record).toMatchObject({ email: 'not-an-email' });
    // The valid record kept going without its bad optional phone, and that problem is on record too.
    const partial = entries.find((e) => e.externalKey === 'a-ok')!;
    expect(partial.problems[0]).toMatchObject({ field: 'phone' });

    const stillBad = await t.h.engine.service.replayQuarantined(t.h.tenantId, bad.id, {
      ...bad.record,
      email: 'pat@',
    });
    expect(stillBad.replayed).toBe(false);
    expect(stillBad.entry).toMatchObject({ replays: 1, record: { email: 'pat@' } });

    const fixed = await t.h.engine.service.replayQuarantined(t.h.tenantId, bad.id, {
      ...bad.record,
      email: 'pat@example.com',
    });
    expect(fixed).toEqual({ replayed: true, entry: null });
    expect((await svc().quarantine.list(t.h.tenantId)).map((e) => e.externalKey)).toEqual(['a-ok']);
    await run(syncB.id);
    expect(
      t.b
        .list('people')
        .map((r) => (r.contact as { email: string }).email)
        .sort(),
    ).toEqual(['ok@example.com', 'pat@example.com']);
  });
});
