import { describe, expect, it } from 'vitest';

import { advance, dedupe, START } from '../../../connectors/hubspot/cursor.ts';
import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { context, decode, hubspot, useNock, windowFilter } from './support.ts';

const deals = hubspotConnector.streams!.deals!;
const SEARCH = '/crm/v3/objects/deals/search';
const T0 = Date.parse('2026-11-01T00:00:00.000Z');

/** `count` deals from id `from`, one second apart from `start`, the last `ties` sharing a time. */
function dealsPage(from: number, count: number, start: number, ties = 0) {
  return Array.from({ length: count }, (_, i) => {
    const at = start + Math.min(i, count - ties) * 1000;
    return {
      id: String(from + i),
      properties: {
        dealname: `Deal ${from + i}`,
        dealstage: 'appointmentscheduled',
        hs_lastmodifieddate: new Date(at).toISOString(),
        hs_object_id: String(from + i),
      },
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(at).toISOString(),
      archived: false,
    };
  });
}

// Associations are read 100 ids at a time: two requests per page of 200.
const noAssociations = (times: number) =>
  hubspot()
    .post('/crm/v4/associations/deals/contacts/batch/read')
    .times(times)
    .reply(200, { status: 'COMPLETE', results: [] });

useNock();

describe('search window and the 10,000-result cap', () => {
  it('pages with `after` up to the cap, then moves the window to the last change seen', async () => {
    const ctx = context({ pageSize: 200 });
    const bodies: Record<string, unknown>[] = [];
    const capture = (b: Record<string, unknown>) => bodies.push(b) > 0;
    const lastPage = dealsPage(9800, 200, T0 + 9_800_000, 3);
    const tieAt = Date.parse(lastPage.at(-1)!.properties.hs_lastmodifieddate);
    hubspot()
      .post(SEARCH, capture)
      .reply(200, {
        total: 12000,
        results: dealsPage(9600, 200, T0 + 9_600_000),
        paging: { next: { after: '9800' } },
      })
      .post(SEARCH, capture)
      .reply(200, { total: 12000, results: lastPage, paging: { next: { after: '10000' } } })
      .post(SEARCH, capture)
      // The records at the cap's last instant, by id: HubSpot's order among them is its own.
      .reply(200, { total: 3, results: [...lastPage.slice(-3)].reverse() })
      .post(SEARCH, capture)
      .reply(200, { total: 2, results: dealsPage(10000, 2, tieAt + 1000) });
    noAssociations(5);

    const mid = JSON.stringify({
      since: T0,
      after: '9600',
      lastAt: T0 + 9_599_000,
      lastIds: ['9599'],
      done: false,
    });
    const p1 = await deals.read(ctx, mid);
    expect(p1).toMatchObject({ hasMore: true });
    expect(p1.records).toHaveLength(200);
    expect(bodies[0]).toMatchObject({ after: '9600', limit: 200 });

    // 9800 + 200 = 10,000: the last page inside the cap is still read with `after`.
    const p2 = await deals.read(ctx, p1.nextCursor);
    expect(bodies[1]).toMatchObject({ after: '9800' });
    expect(p2.records).toHaveLength(200);
    expect(p2.hasMore).toBe(true);
    // The next page would pass the cap: the records at the last change seen are read next,
    // remembering the three deals that share it.
    expect(decode(p2.nextCursor)).toMatchObject({
      after: null,
      tie: { at: tieAt, afterId: null },
      lastAt: tieAt,
      lastIds: ['9997', '9998', '9999'],
      done: false,
    });

    // The records at that instant get a query of their own, sorted by id (one sort rule only).
    const p3 = await deals.read(ctx, p2.nextCursor);
    expect(bodies[2]).toMatchObject({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(tieAt) },
            { propertyName: 'hs_lastmodifieddate', operator: 'LTE', value: String(tieAt) },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
    });
    expect(bodies[2]!.after).toBeUndefined();
    // Ties are not emitted twice.
    expect(p3.records).toEqual([]);
    expect(p3.hasMore).toBe(true);
    expect(decode(p3.nextCursor)).toMatchObject({ since: tieAt, strict: true, tie: null });

    const p4 = await deals.read(ctx, p3.nextCursor);
    expect(bodies[3]).toMatchObject(windowFilter('hs_lastmodifieddate', 'GT', tieAt));
    expect(p4.records.map((r) => r.id)).toEqual(['10000', '10001']);
    expect(p4.hasMore).toBe(false);
  });

  it('moves on by id when 10,000 records share one instant', () => {
    const at = T0 + 5000;
    const tied = Array.from({ length: 200 }, (_, i) => ({ id: String(5000 + i), at }));
    const c = { ...START, since: at, after: '9800', lastAt: at, tie: { at, afterId: null } };
    const seen = dedupe(c, tied);
    const end = { next: '10000', count: 200, total: 12000, lastId: '5199' };
    const next = advance(c, seen, end, 200, 10_000);
    expect(next).toMatchObject({
      hasMore: true,
      cursor: { after: null, tie: { at, afterId: '5199' } },
    });
  });

  it('moves the window at the cap even when HubSpot offers no next page there', () => {
    const c = { ...START, since: T0, after: '9900', lastAt: T0 + 9, lastIds: ['a'] };
    const seen = { lastAt: T0 + 10, lastIds: ['b'] };
    const end = { next: undefined, count: 100, total: 12000, lastId: 'b' };
    const next = advance(c, seen, end, 100, 10_000);
    expect(next).toMatchObject({ hasMore: true, cursor: { tie: { at: T0 + 10, afterId: null } } });
  });

  it('dedupes by id only at the last change time', () => {
    const c = { ...START, lastAt: 100, lastIds: ['a'] };
    const r = dedupe(c, [
      { id: 'a', at: 100 },
      { id: 'b', at: 100 },
      { id: 'a', at: 150 },
      { id: 'z', at: 90 },
    ]);
    expect(r.fresh.map((x) => `${x.id}@${x.at}`)).toEqual(['b@100', 'a@150', 'z@90']);
    expect(r).toMatchObject({ lastAt: 150, lastIds: ['a'] });
  });

  it('searches strictly after an instant it stepped past', async () => {
    let body: Record<string, unknown> = {};
    hubspot()
      .post(SEARCH, (b: Record<string, unknown>) => ((body = b), true))
      .reply(200, { total: 0, results: [] });
    const cursor = JSON.stringify({ ...START, since: T0, lastAt: T0, strict: true });
    await deals.read(context(), cursor);
    expect(body).toMatchObject(windowFilter('hs_lastmodifieddate', 'GT', T0));
  });
});
