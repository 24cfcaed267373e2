import { describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { context, decode, fixture, hubspot, useNock } from './support.ts';

const engagements = hubspotConnector.streams!.engagements!;

useNock();

/** One engagement type's search (sorted on hs_lastmodifieddate) and its contact associations. */
function mockType(
  type: string,
  search: unknown = fixture(`${type}-search`),
  associations: unknown = fixture('engagements-contacts-associations'),
) {
  hubspot()
    .post(
      `/crm/v3/objects/${type}/search`,
      (b: { sorts: { propertyName: string }[] }) =>
        b.sorts[0]!.propertyName === 'hs_lastmodifieddate',
    )
    .reply(200, search as Record<string, unknown>)
    .post(`/crm/v4/associations/${type}/contacts/batch/read`)
    .reply(200, associations as Record<string, unknown>);
}

describe('engagements stream', () => {
  it('reads calls, then emails, then meetings, each in its own search window', async () => {
    for (const t of ['calls', 'emails', 'meetings']) mockType(t);
    const ctx = context();

    const calls = await engagements.read(ctx, null);
    expect(calls.hasMore).toBe(true);
    expect(calls.records).toEqual([
      expect.objectContaining({
        id: '40112',
        objectType: 'calls',
        type: 'call',
        direction: 'OUTBOUND',
        timestamp: '2026-11-02T14:09:30.000Z',
        subject: 'Call with Jane Doe',
        outcome: 'Connected',
        durationSeconds: 184,
        ownerId: '7731',
        contactIds: ['51'],
        contactId: '51',
      }),
    ]);
    expect(decode(calls.nextCursor)).toMatchObject({ current: 1 });

    const emails = await engagements.read(ctx, calls.nextCursor);
    expect(emails.hasMore).toBe(true);
    expect(emails.records.map((r) => [r.id, r.type, r.direction, r.outcome])).toEqual([
      ['40200', 'email', 'OUTBOUND', 'SENT'],
      ['40201', 'email', 'INBOUND', undefined],
    ]);

    const meetings = await engagements.read(ctx, emails.nextCursor);
    expect(meetings.hasMore).toBe(false);
    expect(meetings.records).toEqual([
      expect.objectContaining({
        type: 'meeting',
        startTime: '2026-11-07T16:00:00Z',
        outcome: 'SCHEDULED',
        subject: 'Test drive - Jane Doe',
      }),
    ]);
    expect(meetings.records[0]!.direction).toBeUndefined();
    const end = decode(meetings.nextCursor) as {
      current: number;
      windows: Record<string, unknown>;
    };
    expect(end.current).toBe(0);
    expect(end.windows.calls).toMatchObject({
      lastAt: Date.parse('2026-11-02T14:12:40.880Z'),
      lastIds: ['40112'],
      done: true,
    });
    expect(end.windows.meetings).toMatchObject({ lastIds: ['40300'], done: true });
  });

  it('reads only the engagement types a connection names, and custom call outcomes', async () => {
    const call = {
      id: '7',
      properties: {
        hs_call_disposition: 'custom-guid',
        hs_timestamp: '2026-11-02T14:09:30.000Z',
        hs_lastmodifieddate: '2026-11-02T14:09:31.000Z',
      },
    };
    mockType('calls', { results: [call] }, { results: [] });
    const ctx = context({ engagementTypes: ['calls'], callOutcomes: { 'custom-guid': 'Booked' } });
    const page = await engagements.read(ctx, null);
    expect(page.hasMore).toBe(false);
    expect(page.records).toEqual([
      expect.objectContaining({ id: '7', outcome: 'Booked', contactIds: [] }),
    ]);
  });
});
