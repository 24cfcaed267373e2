import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';

import {
  MsgpackWriter,
  ProfileWriter,
  type IdentityProfile,
} from '../../src/identity/profile-writer.ts';

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

  it('writes arrays, strings and unsigned integers a MessagePack reader gets back (the contacts argument)', () => {
    const strings = [
      '',
      'a',
      'x'.repeat(31),
      'x'.repeat(32),
      'zoë',
      'é'.repeat(20),
      '☃'.repeat(11),
      'y'.repeat(300),
    ];
    const numbers = [0, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295];
    const value = [strings, numbers, Array.from({ length: 20 }, (_, i) => `+1512555${i}`), []];
    const w = new MsgpackWriter();
    w.array(value.length);
    w.array(strings.length);
    for (const s of strings) w.str(s);
    w.array(numbers.length);
    for (const n of numbers) w.uint(n);
    w.array(20);
    for (const s of value[2]!) w.str(s as string);
    w.array(0);
    expect(unpack(w.bytes())).toEqual(value);
  });
});
