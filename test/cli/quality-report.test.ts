import { describe, expect, it } from 'vitest';

import { formatDuration, type ResponseReport } from '../../src/attribution/response-time.ts';
import {
  dataQualityCsv,
  dataQualityTable,
  responseTimeCsv,
  responseTimeTable,
} from '../../src/cli/quality-commands.ts';
import type { DataQualityReport } from '../../src/quality/report.ts';

const stats = {
  leads: 2,
  answered: 1,
  medianMs: 754_000,
  p90Ms: 754_000,
  withinSla: '0/2',
  withinSlaShare: '0.0000',
  unanswered: 1,
  pending: 0,
};
const rt: ResponseReport = {
  from: '2026-03-01',
  to: '2026-03-31',
  slaMinutes: 15,
  store: stats,
  salespeople: [{ salesperson: 'Ann, Jr.', ...stats }],
  unansweredLeads: [
    {
      leadId: 'l9',
      customerId: 'c9',
      createdAt: '2026-03-02T10:00:00.000Z',
      salesperson: 'Ann, Jr.',
      answeredAfterMs: null,
    },
  ],
};
const figures = {
  read: 10,
  quarantined: 1,
  missingEmail: 2,
  missingPhone: 3,
  invalidNormalized: 4,
  duplicatesMerged: 5,
  quarantinedByReason: [{ reason: 'createdAt: required field is missing', count: 1 }],
};
const dq: DataQualityReport = {
  from: '2026-03-01',
  to: '2026-03-02',
  sources: [
    {
      connectionId: 'c_1',
      connectionName: 'Website',
      connectorId: 'http-json',
      days: [{ date: '2026-03-02', ...figures }],
      totals: figures,
    },
  ],
};

describe('response-time and data-quality output', () => {
  it('durations read as people say them', () => {
    expect(
      [45_000, 754_000, 3 * 3_600_000 + 20 * 60_000, 2 * 86_400_000 + 4 * 3_600_000, null].map(
        formatDuration,
      ),
    ).toEqual(['45s', '12m 34s', '3h 20m', '2d 4h', '-']);
  });

  it('CSV keeps exact values and quotes a comma; tables say the figures', () => {
    expect(responseTimeCsv(rt).split('\n')).toEqual([
      'salesperson,leads,answered,medianMs,p90Ms,withinSla,withinSlaShare,unanswered,pending',
      '(store),2,1,754000,754000,0/2,0.0000,1,0',
      '"Ann, Jr.",2,1,754000,754000,0/2,0.0000,1,0',
    ]);
    const table = responseTimeTable(rt);
    expect(table).toContain('12m 34s');
    expect(table).toContain('0.0%');
    expect(table).toContain('lead l9 (Ann, Jr.): never answered');
    expect(dataQualityCsv(dq).split('\n')).toEqual([
      'connectionId,connectionName,date,read,quarantined,missingEmail,missingPhone,invalidNormalized,duplicatesMerged,quarantinedByReason',
      'c_1,Website,2026-03-02,10,1,2,3,4,5,createdAt: required field is missing (1)',
      'c_1,Website,total,10,1,2,3,4,5,createdAt: required field is missing (1)',
    ]);
    expect(dataQualityTable(dq)).toContain('Website [c_1]');
    expect(dataQualityTable({ ...dq, sources: [] })).toContain('nothing imported');
  });
});
