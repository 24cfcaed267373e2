import { describe, expect, it } from 'vitest';

import { countDuplicates, unmatchableNotes, unmatchableReason } from '../../src/sync/run-notes.ts';

describe('run notes', () => {
  it('names why a record cannot be matched to anyone, or null when it can', () => {
    const zip = { address: { postalCode: '48127-1398' } };
    expect(unmatchableReason(undefined)).toBe('noContactDetails');
    expect(unmatchableReason({})).toBe('noContactDetails');
    expect(unmatchableReason({ email: 'a@example.com' })).toBeNull();
    expect(unmatchableReason({ workPhone: '+12485550100' })).toBeNull();
    expect(unmatchableReason({ firstName: 'Ann', lastName: 'Lee' })).toBe('nameWithoutPostal');
    expect(unmatchableReason({ lastName: 'Lee', ...zip })).toBe('nameAndPostalNotEnough');
    expect(unmatchableReason(zip)).toBe('postalWithoutName');
    expect(unmatchableReason({ companyName: 'Greenbelt Lawn Care', ...zip })).toBe(
      'businessWithoutEmailOrPhone',
    );
    expect(unmatchableReason({ isBusiness: true, lastName: 'Care' })).toBe(
      'businessWithoutEmailOrPhone',
    );
  });

  it('counts unmatched records by reason, and only those no customer was found for', () => {
    const contacts = [{ firstName: 'Ann' }, { firstName: 'Bo' }, undefined, { email: 'x@y.z' }];
    expect(unmatchableNotes('lead', contacts, [null, { id: 'c1' }, null, null])).toEqual({
      'unmatchable.nameWithoutPostal': 1,
      'unmatchable.noContactDetails': 1,
      // Keys it has, but identity found no one (never expected; counted, not hidden).
      'unmatchable.noUsableKey': 1,
    });
    expect(
      unmatchableNotes(
        'touchpoint',
        contacts,
        contacts.map(() => ({ id: 'c' })),
      ),
    ).toBeUndefined();
  });

  it('never counts records that are not of a person (spend, campaigns) as unmatchable', () => {
    for (const entity of ['spend', 'campaign', 'conversion'])
      expect(unmatchableNotes(entity, [undefined, {}], [null, null])).toBeUndefined();
    for (const entity of ['customer', 'lead', 'touchpoint', 'activity', 'sale'])
      expect(unmatchableNotes(entity, [undefined], [null])).toEqual({
        'unmatchable.noContactDetails': 1,
      });
  });

  it('counts rows whose key the run read before, across pages, ignoring rows without a key', () => {
    const seen = new Set<number>();
    expect(countDuplicates(['1001', '1002', '1001', null, null], seen)).toBe(1);
    expect(countDuplicates(['1002', '1003', '1003'], seen)).toBe(2);
    expect(seen.size).toBe(3);
  });
});
