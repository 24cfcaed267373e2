import { describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { context, decode, fixture, hubspot, useNock, windowFilter } from './support.ts';

const contacts = hubspotConnector.streams!.contacts!;
const SEARCH = '/crm/v3/objects/contacts/search';

useNock();

describe('contacts stream', () => {
  it('backfills page by page with `after`, then resumes from the last change it saw', async () => {
    const bodies: Record<string, unknown>[] = [];
    const api = hubspot()
      .post(SEARCH, (b: Record<string, unknown>) => bodies.push(b) > 0)
      .reply(200, fixture('contacts-search-page-1'))
      .post(SEARCH, (b: Record<string, unknown>) => bodies.push(b) > 0)
      .reply(200, fixture('contacts-search-page-2'));
    const ctx = context({ pageSize: 2 });

    const first = await contacts.read(ctx, null);
    expect(first.hasMore).toBe(true);
    expect(first.records.map((r) => r.id)).toEqual(['51', '52']);
    expect(first.records[0]).toMatchObject({
      objectType: 'contacts',
      properties: { email: 'Jane.Doe@Example.com', hs_lead_status: 'CONNECTED' },
    });
    expect(bodies[0]).toMatchObject({
      filterGroups: [],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
      limit: 2,
    });
    expect(bodies[0]!.properties).toEqual(expect.arrayContaining(['email', 'hs_lead_status']));

    const second = await contacts.read(ctx, first.nextCursor);
    expect(second.hasMore).toBe(false);
    expect(second.records.map((r) => r.id)).toEqual(['53']);
    expect(bodies[1]).toMatchObject({ after: '2' });
    // 52 and 53 share the last modification time; both are remembered for the next window.
    expect(decode(second.nextCursor)).toMatchObject({
      lastAt: Date.parse('2026-11-20T10:05:00.000Z'),
      lastIds: ['52', '53'],
      done: true,
    });
    expect(api.isDone()).toBe(true);

    // Next run: the window starts at the last change, and the records already seen there are skipped.
    let body: Record<string, unknown> = {};
    hubspot()
      .post(SEARCH, (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, {
        total: 3,
        results: [
          ...(fixture('contacts-search-page-1').results as unknown[]).slice(1),
          ...(fixture('contacts-search-page-2').results as unknown[]),
          {
            id: '54',
            properties: { email: 'new@example.com', lastmodifieddate: '2026-11-20T11:00:00Z' },
          },
        ],
      });
    const third = await contacts.read(ctx, second.nextCursor);
    expect(body).toMatchObject(
      windowFilter('lastmodifieddate', 'GTE', Date.parse('2026-11-20T10:05:00.000Z')),
    );
    expect(body.after).toBeUndefined();
    expect(third.records.map((r) => r.id)).toEqual(['54']);
    expect(third.hasMore).toBe(false);
  });

  it('starts each run behind its last change by the index lag', async () => {
    let body: Record<string, unknown> = {};
    hubspot()
      .post(SEARCH, (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, { total: 0, results: [] });
    const at = Date.parse('2026-11-20T10:05:00.000Z');
    const cursor = JSON.stringify({
      since: 0,
      after: null,
      lastAt: at,
      lastIds: ['52'],
      done: true,
    });
    const page = await contacts.read(context({ indexLagMs: 60_000 }), cursor);
    expect(body).toMatchObject({
      filterGroups: [{ filters: [{ operator: 'GTE', value: String(at - 60_000) }] }],
    });
    // Nothing new: the cursor keeps its last change, so the next run asks the same again.
    expect(decode(page.nextCursor)).toMatchObject({ lastAt: at, lastIds: ['52'], done: true });
  });

  it('asks for the extra properties a connection names', async () => {
    let body: Record<string, unknown> = {};
    hubspot()
      .post(SEARCH, (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, { total: 0, results: [] });
    await contacts.read(context({ extraProperties: { contacts: ['trade_in_vin'] } }), null);
    expect(body.properties).toEqual(expect.arrayContaining(['trade_in_vin', 'email']));
  });

  it('refuses a cursor it did not write', async () => {
    await expect(contacts.read(context(), '{"page":3}')).rejects.toThrow(
      /hubspot search: the stored cursor is bad: field "since"/,
    );
    await expect(contacts.read(context(), 'not json')).rejects.toThrow(/not JSON/);
  });
});
