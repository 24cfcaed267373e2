import { describe, expect, it } from 'vitest';

import { campaignNames, furthestStage, leadFunnel } from '../../src/attribution/funnel.ts';
import { weeklyTrend } from '../../src/attribution/drill.ts';
import type { Report } from '../../src/attribution/report.ts';

const lead = (f: Record<string, unknown>) => ({ f });

describe('funnel and trend, by hand', () => {
  it('a lead reached every stage before its furthest one; lost and new reach nothing', () => {
    expect(furthestStage(lead({ stage: 'new' }))).toBe(-1);
    expect(furthestStage(lead({ stage: 'shown' }))).toBe(2);
    // Lost after an appointment: the history says how far it got.
    const lost = lead({
      stage: 'lost',
      stageHistory: [
        { stage: 'contacted', at: '2026-03-01T10:00:00Z' },
        { stage: 'appointment', at: '2026-03-02T10:00:00Z' },
        { stage: 'lost', at: '2026-03-03T10:00:00Z' },
      ],
    });
    expect(furthestStage(lost)).toBe(1);
    const f = leadFunnel(
      [lost, lead({ stage: 'sold' }), lead({ stage: 'new' })].map((x, i) => ({
        id: `l${i}`,
        entity: 'lead',
        v: 1,
        m: {},
        ...x,
      })),
      { from: '2026-03-01', to: '2026-03-31' },
    );
    expect(f).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      leads: 3,
      contacted: 2,
      appointment: 2,
      shown: 1,
      sold: 1,
    });
  });

  it('campaign names: the newest lead naming a campaign wins', () => {
    const rec = (id: string, createdAt: string, campaignName?: string) => ({
      id,
      entity: 'lead',
      v: 1,
      m: {},
      f: { campaignId: 'm1', createdAt, ...(campaignName ? { campaignName } : {}) },
    });
    const names = campaignNames([
      rec('a', '2026-03-02T00:00:00Z', 'Spring'),
      rec('b', '2026-03-05T00:00:00Z', 'Spring Trucks'),
      rec('c', '2026-03-09T00:00:00Z'),
    ]);
    expect([...names]).toEqual([['m1', 'Spring Trucks']]);
  });

  it('weeks run Monday to Sunday, the first and last cut to the range', async () => {
    const asked: string[] = [];
    const totals = { spend: '1.00', leads: 1, sold: '0.000000' };
    const report = async (_t: string, q: { from: string; to: string }) => {
      asked.push(`${q.from}..${q.to}`);
      return { from: q.from, to: q.to, totals } as unknown as Report;
    };
    // 2026-03-04 is a Wednesday; 2026-03-22 a Sunday.
    const weeks = await weeklyTrend({ report }, 't', {
      from: '2026-03-04',
      to: '2026-03-22',
      model: 'linear',
    });
    expect(asked).toEqual([
      '2026-03-04..2026-03-08',
      '2026-03-09..2026-03-15',
      '2026-03-16..2026-03-22',
    ]);
    expect(weeks[0]).toEqual({
      from: '2026-03-04',
      to: '2026-03-08',
      spend: '1.00',
      leads: 1,
      sold: '0.000000',
    });
  });
});
