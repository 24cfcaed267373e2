import { describe, expect, it } from 'vitest';

import {
  percentile,
  responseTimeReport,
  type RtActivity,
  type RtLead,
} from '../../src/attribution/response-time.ts';

const T0 = Date.parse('2026-03-10T15:00:00Z'); // 10:00 in Chicago
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('response time, hand-checked', () => {
  it('median and p90 interpolate between ranks', () => {
    expect(percentile([1000, 2000, 3000, 4000], 0.5)).toBe(2500);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 0.9)).toBe(100);
    expect(percentile([0, 100], 0.9)).toBe(90);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('counts the SLA inclusively, 24 h exactly as answered, and young leads as pending', () => {
    const leads: RtLead[] = [
      { id: 'a', customerId: 'c1', createdAt: T0, assignedTo: 'Ann' },
      { id: 'b', customerId: 'c2', createdAt: T0, assignedTo: 'Ann' },
      { id: 'c', customerId: 'c3', createdAt: T0, assignedTo: 'Bob' },
      { id: 'd', customerId: 'c4', createdAt: T0, assignedTo: 'Bob' },
      { id: 'e', customerId: 'c5', createdAt: T0 + 30 * HOUR, assignedTo: 'Bob' },
      { id: 'f', customerId: 'c6', createdAt: T0 - 2 * 24 * HOUR, assignedTo: 'Bob' }, // out of range
    ];
    const acts: RtActivity[] = [
      {
        customerId: 'c1',
        type: 'call',
        direction: 'outbound',
        occurredAt: T0 + 15 * MIN,
        user: 'Cal',
      },
      { customerId: 'c2', type: 'call', direction: 'inbound', occurredAt: T0 + MIN },
      { customerId: 'c2', type: 'appointment', direction: 'outbound', occurredAt: T0 + MIN },
      { customerId: 'c2', type: 'text', direction: 'outbound', occurredAt: T0 - MIN },
      { customerId: 'c2', type: 'email', direction: 'outbound', occurredAt: T0 + 16 * MIN },
      { customerId: 'c3', type: 'email', direction: 'outbound', occurredAt: T0 + 24 * HOUR },
    ];
    const r = responseTimeReport(leads, acts, {
      from: '2026-03-10',
      to: '2026-03-11',
      timeZone: 'America/Chicago',
      slaMinutes: 15,
      now: T0 + 40 * HOUR,
    });
    expect(r.store).toEqual({
      leads: 5,
      answered: 3,
      medianMs: 16 * MIN,
      p90Ms: 16 * MIN + 0.8 * (24 * HOUR - 16 * MIN), // rank 0.9 × 2 = 1.8
      withinSla: '1/5',
      withinSlaShare: '0.2000',
      unanswered: 1,
      pending: 1,
    });
    expect(
      r.salespeople.map((p) => [p.salesperson, p.leads, p.answered, p.unanswered, p.pending]),
    ).toEqual([
      ['Ann', 1, 1, 0, 0],
      ['Bob', 3, 1, 1, 1],
      ['Cal', 1, 1, 0, 0],
    ]);
  });
});
