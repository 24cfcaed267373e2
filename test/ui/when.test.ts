import { describe, expect, it } from 'vitest';

import { when } from '../../src/ui/pages/health.tsx';

describe('dashboard times', () => {
  it("show the store's time zone, with its abbreviation, summer time included", () => {
    expect(when('2026-12-03T16:20:31.123Z', 'America/Chicago')).toBe('2026-12-03 10:20:31 CST');
    expect(when('2026-07-01T16:00:00Z', 'America/Chicago')).toBe('2026-07-01 11:00:00 CDT');
    expect(when('2026-12-03T23:30:00Z', 'America/New_York')).toBe('2026-12-03 18:30:00 EST');
  });
  it('show a dash for no time or one that cannot be read', () => {
    expect(when(null, 'UTC')).toBe('—');
    expect(when('not a time', 'UTC')).toBe('—');
  });
});
