import { describe, expect, it } from 'vitest';

import { describeRun } from '../../src/cli/progress.ts';
import type { RunReport, Sync } from '../../src/sync/types.ts';
import { RunDetail } from '../../src/ui/pages/health.tsx';

// A run's notes say why its counts are what they are (Meta's 7-day window skipped 55 events):
// the dashboard's run page and the CLI's run line show them, not only the JSON.

const run: RunReport = {
  id: 'r_1',
  syncId: 's_1',
  tenantId: 't',
  trigger: 'webhook',
  status: 'succeeded',
  startedAt: '2026-12-07T23:42:45.520Z',
  finishedAt: '2026-12-07T23:42:45.552Z',
  durationMs: 32,
  counts: {
    read: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    written: 4,
    skipped: 55,
    failed: 0,
  },
  notes: { 'skipped.tooOld': 55, 'unmatchable.noContactDetails': 1_200 },
  batches: 1,
  errors: [],
};

describe('run notes', () => {
  it('the run page lists each note with its count', () => {
    const html = String(
      RunDetail({ run, sync: { id: 's_1', name: 'To Meta' } as Sync, timeZone: 'UTC' }),
    );
    const notes = /<table id="run-notes">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    const rows = [
      ...notes.matchAll(
        /<tr><th scope="row"><code>([^<]+)<\/code><\/th><td class="num">([^<]+)<\/td><\/tr>/g,
      ),
    ];
    expect(rows.map(([, k, v]) => [k, v])).toEqual([
      ['skipped.tooOld', '55'],
      ['unmatchable.noContactDetails', '1,200'],
    ]);
  });

  it('a run without notes shows no notes table', () => {
    const html = String(
      RunDetail({
        run: { ...run, notes: undefined },
        sync: { id: 's_1', name: 'x' } as Sync,
        timeZone: 'UTC',
      }),
    );
    expect(html).not.toContain('run-notes');
  });

  it('the CLI run line ends with the notes, and says "1 batch"', () => {
    expect(describeRun(run)).toMatch(
      / · skipped 55 · .* · 1 batch in 0\.0 s · notes: skipped\.tooOld 55, unmatchable\.noContactDetails 1,200$/,
    );
    expect(describeRun({ ...run, notes: undefined, batches: 3 })).toMatch(
      / · 3 batches in 0\.0 s$/,
    );
  });
});
