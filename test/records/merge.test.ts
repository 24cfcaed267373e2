import { describe, expect, it } from 'vitest';

import { mergeFields, mayOverwrite, type StoredRecord } from '../../src/records/merge.ts';

const empty = (): StoredRecord => ({ id: 'cus_1', entity: 'customer', v: 0, f: {}, m: {} });
const owners = (o: Record<string, string> = {}) => new Map(Object.entries(o));

describe('mergeFields', () => {
  it('fills empty fields and reports what changed; equal values are no change', () => {
    const r = empty();
    expect(
      mergeFields(
        r,
        { email: 'a@b.com', firstName: 'Ann' },
        { connectorId: 'hubspot', at: 1, owners: owners() },
      ),
    ).toEqual(['email', 'firstName']);
    expect(
      mergeFields(r, { email: 'a@b.com' }, { connectorId: 'meta', at: 2, owners: owners() }),
    ).toEqual([]);
    expect(r.m.email).toEqual({ src: 'hubspot', at: 1 });
  });

  it('never erases with a missing value', () => {
    const r = empty();
    mergeFields(r, { phone: '+15125550142' }, { connectorId: 'hubspot', at: 1, owners: owners() });
    expect(
      mergeFields(r, { phone: null, email: '' }, { connectorId: 'meta', at: 5, owners: owners() }),
    ).toEqual([]);
    expect(r.f.phone).toBe('+15125550142');
  });

  it('latest: the newer source time wins, ties broken by connector id, in any order', () => {
    const apply = (order: [string, number, string][]) => {
      const r = empty();
      for (const [src, at, v] of order)
        mergeFields(r, { lastName: v }, { connectorId: src, at, owners: owners() });
      return r.f.lastName;
    };
    const writes: [string, number, string][] = [
      ['hubspot', 10, 'Older'],
      ['meta', 20, 'Newer'],
      ['dms', 20, 'Tie'],
    ];
    const results = [
      apply(writes),
      apply([...writes].reverse()),
      apply([writes[1]!, writes[0]!, writes[2]!]),
    ];
    expect(new Set(results)).toEqual(new Set(['Newer']));
  });

  it('an owner connector wins whatever the times; others only fill or replace non-owner values', () => {
    const r = empty();
    const rules = owners({ stage: 'hubspot' });
    mergeFields(r, { stage: 'new' }, { connectorId: 'meta', at: 1, owners: rules });
    mergeFields(r, { stage: 'sold' }, { connectorId: 'hubspot', at: 2, owners: rules });
    expect(
      mergeFields(r, { stage: 'contacted' }, { connectorId: 'meta', at: 99, owners: rules }),
    ).toEqual([]);
    expect(r.f.stage).toBe('sold');
  });

  it("keeps an owner's value even against mappings that call the field latest", () => {
    const r = empty();
    mergeFields(
      r,
      { emailStatus: 'unsubscribed' },
      { connectorId: 'mailchimp', at: 1, owners: owners({ emailStatus: 'mailchimp' }) },
    );
    expect(
      mergeFields(
        r,
        { emailStatus: 'subscribed' },
        { connectorId: 'hubspot', at: 50, owners: owners() },
      ),
    ).toEqual([]);
    expect(r.f.emailStatus).toBe('unsubscribed');
    expect(
      mergeFields(
        r,
        { emailStatus: 'subscribed' },
        { connectorId: 'mailchimp', at: 60, owners: owners({ emailStatus: 'mailchimp' }) },
      ),
    ).toEqual(['emailStatus']);
  });

  it('hub: values set in the hub are kept; otherwise latest', () => {
    expect(mayOverwrite('hub', { src: 'hub', at: 1 }, 'hubspot', 99)).toBe(false);
    expect(mayOverwrite('hub', { src: 'meta', at: 1 }, 'hubspot', 2)).toBe(true);
    expect(mayOverwrite('hub', { src: 'meta', at: 3 }, 'hubspot', 2)).toBe(false);
  });
});
