import { describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import { context, decode, fixture, hubspot, useNock, withOwnerLists } from './support.ts';

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

/** The associated contacts' identifying properties, and the account's owners (read once). */
function mockContactsAndOwners() {
  const owners = withOwnerLists(hubspot());
  hubspot()
    .post('/crm/v3/objects/contacts/batch/read')
    .times(4)
    .reply(200, fixture('contacts-batch-read') as Record<string, unknown>);
  return owners;
}

describe('engagements stream', () => {
  it('reads calls, then emails, meetings and logged texts, each in its own search window, with contact and owner name', async () => {
    for (const t of ['calls', 'emails', 'meetings', 'communications']) mockType(t);
    const owners = mockContactsAndOwners();
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
        ownerName: 'Dana Brooks',
        contactIds: ['51'],
        contactId: '51',
        contact: expect.objectContaining({ email: 'jane.doe@example.com', firstname: 'Jane' }),
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
    expect(meetings.hasMore).toBe(true);
    expect(meetings.records).toEqual([
      expect.objectContaining({
        type: 'meeting',
        startTime: '2026-11-07T16:00:00Z',
        outcome: 'SCHEDULED',
        subject: 'Test drive - Jane Doe',
      }),
    ]);
    expect(meetings.records[0]!.direction).toBeUndefined();

    // A text logged on the timeline: what its owner sent (a logged message has no direction).
    const texts = await engagements.read(ctx, meetings.nextCursor);
    expect(texts.hasMore).toBe(false);
    expect(texts.records).toEqual([
      expect.objectContaining({
        id: '40400',
        type: 'text',
        channel: 'SMS',
        direction: 'OUTBOUND',
        body: 'Hi Jane, the Escape is ready for Saturday at 10. Text back if that time works.',
        ownerName: 'Dana Brooks',
        contactId: '51',
      }),
    ]);
    // The owners were listed once for the four pages.
    expect(owners.isDone()).toBe(true);
    const end = decode(texts.nextCursor) as {
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
    expect(end.windows.communications).toMatchObject({ lastIds: ['40400'], done: true });
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
    // No owner on the call and no contact: neither the owners nor the contacts are read.
    const ctx = context({ engagementTypes: ['calls'], callOutcomes: { 'custom-guid': 'Booked' } });
    const page = await engagements.read(ctx, null);
    expect(page.hasMore).toBe(false);
    expect(page.records).toEqual([
      expect.objectContaining({ id: '7', outcome: 'Booked', contactIds: [] }),
    ]);
  });
});
