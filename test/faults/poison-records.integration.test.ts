import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createApp } from '../../src/api/app.ts';
import { MAX_RECORD_CHARS } from '../../src/records/poison.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import type { SyncMapping } from '../../src/sync/sync-mapping.ts';
import { expectExactlyOnce } from './support.ts';
import { ingestContacts, TEST_MAPPINGS, useEngineWith } from '../support/engine.ts';

/** JSON text of a contact whose `payload` nests 100,000 objects deep. */
const deepContact = (id: string) =>
  `{"id":"${id}","email":"${id}@example.com","updated_at":"2026-11-20T10:00:00Z","payload":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
const contact = (id: string) => ({
  id,
  email: `${id}@example.com`,
  updated_at: '2026-11-20T10:00:00Z',
});
const BOOM = 'boom@example.com';

/**
 * The test mappings, except that `crm-b-people` throws when it maps out the customer with the
 * email BOOM (a fault injected into a real compiled mapping: any mapping bug looks like this).
 */
class ThrowingOut extends DirectoryMappingSource {
  override async get(name: string): Promise<SyncMapping> {
    const m = await super.get(name);
    if (name !== 'crm-b-people') return m;
    return {
      ...m,
      out: (c) => {
        if (c.email === BOOM) throw new RangeError('Maximum call stack size exceeded');
        return m.out(c);
      },
    };
  }
}

const t = useEngineWith({ opts: { mappings: new ThrowingOut(TEST_MAPPINGS) } }, 'source', 'dest');
const svc = () => t.h.engine.service.svc;
const quarantined = async (syncId: string) =>
  (await svc().quarantine.list(t.h.tenantId, syncId)).map((q) => ({
    key: q.externalKey,
    reason: q.problems.map((p) => p.reason).join('; '),
  }));

describe('a poison record per stream kind: quarantined with its reason, the stream moves on', () => {
  it('inbound page: a 100,000-deep and a 2 MB record among good ones', async () => {
    t.source.put('contacts', contact('c0'));
    t.source.putRaw('contacts', 'c1', deepContact('c1'));
    t.source.put('contacts', contact('c2'));
    t.source.put('contacts', { ...contact('c3'), notes: 'x'.repeat(2 * MAX_RECORD_CHARS) });
    t.source.put('contacts', contact('c4'));
    const connectionId = await t.h.connect('http-json', t.source, { pageSize: 3 });
    const sync = await t.h.addSync({ connectionId, mapping: 'crm-a-contacts', mode: 'inbound' });
    const report = await runSync(svc(), t.h.tenantId, sync.id, 'manual');
    expect(report).toMatchObject({
      status: 'succeeded',
      counts: { read: 5, created: 3, quarantined: 2 },
    });
    const linked = await t.h.hub.redis.hkeys(
      t.h.hub.keys.links(t.h.tenantId, connectionId, 'contacts'),
    );
    expectExactlyOnce('poison inbound page: 100,000-deep + 2 MB', ['c0', 'c2', 'c4'], linked, 5);
    const q = await quarantined(sync.id);
    expect(q.find((e) => e.key === 'c1')?.reason).toMatch(/^payload\.a\.a.*deeper than 64 levels/);
    expect(q.find((e) => e.key === 'c3')?.reason).toMatch(/larger than 1000000 characters/);
    // The cursor moved past them: the next run reads only what is new.
    t.source.put('contacts', contact('c5'));
    const next = await runSync(svc(), t.h.tenantId, sync.id, 'manual');
    expect(next?.counts).toMatchObject({ read: 1, created: 1, quarantined: 0 });
    expect(await svc().quarantine.count(t.h.tenantId)).toBe(2);
  });

  it('webhook intake: a 100,000-deep record in a delivery is accepted and quarantined', async () => {
    const connectionId = await t.h.connect('http-json', t.source);
    const sync = await t.h.addSync({ connectionId, mapping: 'crm-a-contacts', mode: 'inbound' });
    const body = `{"stream":"contacts","records":[${JSON.stringify(contact('w0'))},${deepContact('w1')},${JSON.stringify(contact('w2'))}]}`;
    const signature = createHmac('sha256', 'whsec-0123456789abcdef').update(body).digest('hex');
    const res = await createApp(t.h.hub, t.h.engine.service).request(
      `/hooks/${t.h.tenantId}/${connectionId}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-dealerloop-signature': `sha256=${signature}`,
        },
        body,
      },
    );
    expect(res.status).toBe(200);
    const [job] = await t.h.engine.queue.queue.getJobs(['waiting']);
    expect(job?.name).toBe('webhook');
    const processed = await t.h.engine.queue.processor().process(job!);
    expect(processed).toMatchObject({ counts: { read: 3, created: 2, quarantined: 1 } });
    const q = await quarantined(sync.id);
    expect(q).toEqual([{ key: 'w1', reason: expect.stringMatching(/deeper than 64 levels/) }]);
    const linked = await t.h.hub.redis.hkeys(
      t.h.hub.keys.links(t.h.tenantId, connectionId, 'contacts'),
    );
    expectExactlyOnce('poison webhook delivery: 100,000-deep', ['w0', 'w2'], linked, 3);
  });

  it('outbound: a record whose mapping throws is quarantined and the rest is written', async () => {
    await ingestContacts(t.h, t.source, 20, (i) => (i === 7 ? { email: BOOM } : {}));
    const connectionId = await t.h.connect('crm-b', t.dest, { batchSize: 5 });
    const sync = await t.h.addSync({ connectionId, mapping: 'crm-b-people', mode: 'outbound' });
    const report = await runSync(svc(), t.h.tenantId, sync.id, 'manual');
    expect(report).toMatchObject({ status: 'succeeded', counts: { written: 19, quarantined: 1 } });
    expectExactlyOnce(
      'poison outbound: a mapping that throws',
      Array.from({ length: 20 }, (_, i) => `person${i}@example.com`).filter((_, i) => i !== 7),
      t.dest.list('people').map((r) => (r.contact as { email: string }).email),
      20,
    );
    const [entry] = await svc().quarantine.list(t.h.tenantId, sync.id);
    expect(entry?.record.email).toBe(BOOM);
    expect(entry?.problems[0]?.reason).toMatch(
      /the mapping failed on this record: Maximum call stack/,
    );
    // The cursor moved on: a later change of another record goes out alone.
    t.source.put('contacts', {
      ...contact('a-3'),
      email: 'person3@example.com',
      first_name: 'New',
    });
    const inbound = (await svc().syncs.list(t.h.tenantId)).find((s) => s.mode === 'inbound')!;
    await runSync(svc(), t.h.tenantId, inbound.id, 'manual');
    const next = await runSync(svc(), t.h.tenantId, sync.id, 'manual');
    expect(next?.counts).toMatchObject({ written: 1, quarantined: 0 });
  });
});
