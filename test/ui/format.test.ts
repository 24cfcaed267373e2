import { describe, expect, it } from 'vitest';

import { scheduleText, sold } from '../../src/ui/format.ts';

describe('dashboard figures', () => {
  // Whole cars sold as a whole number, a fractional credit sum to two decimals.
  it.each([
    ['77', '77'],
    ['77.000000', '77'],
    ['1234', '1,234'],
    ['9.333333', '9.33'],
    ['0', '0'],
    [null, '—'],
  ])('cars sold %s show as %s', (value, shown) => {
    expect(sold(value)).toBe(shown);
  });

  // A cron schedule in words with its time zone; a pattern it cannot read as it is.
  it.each([
    ['*/15 * * * *', 'UTC', 'Every 15 minutes (UTC)'],
    ['0 2 * * *', 'America/Chicago', 'At 02:00 (America/Chicago)'],
    ['30 6 * * 1-5', undefined, 'At 06:30, Monday through Friday'],
    ['not a cron', undefined, 'not a cron'],
  ])('schedule %s in %s reads %s', (pattern, zone, words) => {
    expect(scheduleText(pattern, zone)).toBe(words);
  });
});
