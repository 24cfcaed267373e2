import { describe, expect, it } from 'vitest';

import { scheduleText, sold } from '../../src/ui/format.ts';

describe('dashboard figures', () => {
  it('show whole cars sold as a whole number, a fractional credit sum to two decimals', () => {
    expect(sold('77')).toBe('77');
    expect(sold('77.000000')).toBe('77');
    expect(sold('1234')).toBe('1,234');
    expect(sold('9.333333')).toBe('9.33');
    expect(sold('0')).toBe('0');
    expect(sold(null)).toBe('—');
  });

  it('say a cron schedule in words with its time zone, or show a pattern it cannot read as it is', () => {
    expect(scheduleText('*/15 * * * *', 'UTC')).toBe('Every 15 minutes (UTC)');
    expect(scheduleText('0 2 * * *', 'America/Chicago')).toBe('At 02:00 (America/Chicago)');
    expect(scheduleText('30 6 * * 1-5')).toBe('At 06:30, Monday through Friday');
    expect(scheduleText('not a cron')).toBe('not a cron');
  });
});
