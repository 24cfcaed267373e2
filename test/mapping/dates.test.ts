import { describe, expect, it } from 'vitest';

import { transforms } from '../../src/mapping/transforms/index.ts';
import { Invalid } from '../../src/mapping/transforms/types.ts';

const ctx = { country: 'US', timeZone: 'America/Chicago', arity: 1 };
const date = (opts: Record<string, unknown> = {}) => {
  const t = transforms.get('date')!;
  return t.create(t.options.parse(opts) as never, ctx).forward;
};

describe('dates as DMS exports and CRMs write them', () => {
  it.each([
    ['2025-06-21', '2025-06-21'],
    ['2025/06/21', '2025-06-21'],
    ['20250621', '2025-06-21'],
    ['6/21/2025', '2025-06-21'],
    ['06-21-2025', '2025-06-21'],
    ['06/21/25', '2025-06-21'],
    ['21-JUN-2025', '2025-06-21'],
    ['21-Jun-25', '2025-06-21'],
    ['01-SEPT-2025', '2025-09-01'],
    ['21 June 2025', '2025-06-21'],
    ['Jun 21, 2025', '2025-06-21'],
    ['June 21 2025', '2025-06-21'],
    ['3/4/69', '2069-03-04'],
    ['3/4/70', '1970-03-04'],
    ['2025-06-21 14:05:00', '2025-06-21'],
    ['2025-06-22T03:00:00Z', '2025-06-21'],
    [1750500000000, '2025-06-21'],
  ])('%j → %s', (input, want) => {
    expect(date()(input)).toBe(want);
  });

  it('reads numeric dates month first unless the field says dayFirst', () => {
    expect(date()('04/06/2025')).toBe('2025-04-06');
    expect(date({ dayFirst: true })('04/06/2025')).toBe('2025-06-04');
    expect(date({ dayFirst: true })('21/06/2025')).toBe('2025-06-21');
  });

  it.each([
    ['21/06/2025', /format seen: 99\/99\/9999; read month first \(US\): month "21" .*dayFirst/],
    ['13/45/2026', /format seen: 99\/99\/9999; read month first \(US\): month "13" is not 1-12/],
    ['31-FEB-2025', /format seen: 99-AAA-9999; .*day "31" is not 1-28 in month "2"/],
    ['21-JUX-2025', /format seen: 99-AAA-9999; "JUX" is not a month name/],
    ['next tuesday', /unrecognised date "next tuesday" \(format seen: AAAA AAAAAAA/],
  ])('refuses %j, naming the format it saw', (input, reason) => {
    const r = date()(input);
    expect(r).toBeInstanceOf(Invalid);
    expect((r as Invalid).reason).toMatch(reason);
  });
});
