import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';

import { ProfileWriter, type IdentityProfile } from '../../src/identity/profile-writer.ts';

describe('ProfileWriter', () => {
  it('writes profiles end to end that a MessagePack reader gets back field for field', () => {
    const profiles: IdentityProfile[] = [
      { t: 1_796_297_798_123, e: ['ann@example.com'], p: ['+15125550100'], f: ['ann'], w: [] },
      { t: 0, e: [], p: [], f: [], w: ['ann|lee|78701'] },
      // str8, str16, non-ASCII, a list of 16 or more (array16)
      {
        t: 1_700_000_000_000,
        e: ['x'.repeat(40), 'müller@exämple.de'],
        p: Array.from({ length: 17 }, (_, i) => `+1512555${String(i).padStart(4, '0')}`),
        f: ['y'.repeat(300), 'zoë'],
        w: ['z'.repeat(70_000)],
      },
    ];
    const w = new ProfileWriter();
    const spans = profiles.map((p) => w.add(p));
    const bytes = w.bytes();
    spans.forEach(([from, to], i) => {
      expect(unpack(bytes.subarray(from - 1, to))).toEqual(profiles[i]);
    });
    expect(spans[0]![0]).toBe(1);
    expect(spans[2]![1]).toBe(bytes.length);
  });
});
