import { describe, expect, it } from 'vitest';

import { mergeFields, type StoredRecord } from '../../src/records/merge.ts';
import { normalizeStageHistory } from '../../src/records/stage-history.ts';

const lead = (): StoredRecord => ({ id: 'led_1', entity: 'lead', v: 0, f: {}, m: {} });
const crm = (at: string) => ({ connectorId: 'hubspot', at: Date.parse(at), owners: new Map() });
const report = (r: StoredRecord, stage: string, at: string) =>
  mergeFields(r, { stage, updatedAt: at }, crm(at));

describe('lead stage history in the record merge', () => {
  it('appends each stage change with the time the CRM reported it', () => {
    const r = lead();
    expect(report(r, 'new', '2026-11-01T10:00:00Z')).toContain('stageHistory');
    report(r, 'contacted', '2026-11-01T10:12:00Z');
    report(r, 'appointment', '2026-11-02T09:00:00Z');
    expect(r.f.stageHistory).toEqual([
      { stage: 'new', at: '2026-11-01T10:00:00.000Z' },
      { stage: 'contacted', at: '2026-11-01T10:12:00.000Z' },
      { stage: 'appointment', at: '2026-11-02T09:00:00.000Z' },
    ]);
    expect(r.m.stageHistory).toEqual({ src: 'hubspot', at: Date.parse('2026-11-02T09:00:00Z') });
  });

  it('re-reading the same stage adds nothing, even at a later change time', () => {
    const r = lead();
    report(r, 'contacted', '2026-11-01T10:12:00Z');
    const before = structuredClone(r.f.stageHistory);
    expect(report(r, 'contacted', '2026-11-01T10:12:00Z')).toEqual([]);
    // the record changed for another reason: the lead is still contacted, not contacted again
    expect(report(r, 'contacted', '2026-11-03T08:00:00Z')).not.toContain('stageHistory');
    expect(r.f.stageHistory).toEqual(before);
  });

  it('stages arriving out of order are kept ordered by time, whatever the arrival order', () => {
    const changes: [string, string][] = [
      ['new', '2026-11-01T10:00:00Z'],
      ['contacted', '2026-11-01T10:12:00Z'],
      ['appointment', '2026-11-02T09:00:00Z'],
      ['shown', '2026-11-04T15:30:00Z'],
      ['sold', '2026-11-05T17:45:00Z'],
    ];
    const expected = changes.map(([stage, at]) => ({ stage, at: new Date(at).toISOString() }));
    for (const order of [
      [4, 0, 2, 1, 3],
      [3, 4, 1, 0, 2],
      [4, 3, 2, 1, 0],
      [1, 1, 4, 0, 4, 2, 3],
    ]) {
      const r = lead();
      for (const i of order) report(r, changes[i]![0], changes[i]![1]);
      expect(r.f.stageHistory).toEqual(expected);
      // the stage field itself is the latest report's (the `latest` rule)
      expect(r.f.stage).toBe('sold');
    }
  });

  it('a stage reported late still enters the history though it does not win the stage field', () => {
    const r = lead();
    report(r, 'appointment', '2026-11-02T09:00:00Z');
    const changed = report(r, 'contacted', '2026-11-01T10:12:00Z');
    expect(changed).toEqual(['stageHistory']);
    expect(r.f.stage).toBe('appointment');
    expect((r.f.stageHistory as { stage: string }[]).map((e) => e.stage)).toEqual([
      'contacted',
      'appointment',
    ]);
  });

  it('uses stageChangedAt when the mapping gives it, and merges a history the CRM exports', () => {
    const r = lead();
    mergeFields(
      r,
      { stage: 'shown', stageChangedAt: '2026-11-04T15:30:00-06:00' },
      crm('2026-11-06T00:00:00Z'),
    );
    mergeFields(
      r,
      {
        stageHistory: [
          { stage: 'new', at: '2026-11-01T10:00:00Z' },
          { stage: 'shown', at: '2026-11-04T21:30:00Z' },
          { stage: 'bogus-without-time' },
        ],
      },
      crm('2026-11-06T00:00:00Z'),
    );
    expect(r.f.stageHistory).toEqual([
      { stage: 'new', at: '2026-11-01T10:00:00Z' },
      { stage: 'shown', at: '2026-11-04T15:30:00-06:00' },
    ]);
  });

  it('only leads keep a history; other entities merge a stageHistory field like any other', () => {
    const r: StoredRecord = { id: 'cus_1', entity: 'customer', v: 0, f: {}, m: {} };
    expect(mergeFields(r, { stage: 'new' }, crm('2026-11-01T00:00:00Z'))).toEqual(['stage']);
    expect(r.f.stageHistory).toBeUndefined();
  });

  it('a stage left and entered again is two entries', () => {
    expect(
      normalizeStageHistory([
        { stage: 'contacted', at: '2026-11-01T10:00:00Z' },
        { stage: 'appointment', at: '2026-11-02T10:00:00Z' },
        { stage: 'contacted', at: '2026-11-03T10:00:00Z' },
        { stage: 'contacted', at: '2026-11-01T09:00:00Z' },
      ]).map((e) => `${e.stage}@${e.at.slice(8, 13)}`),
    ).toEqual(['contacted@01T09', 'appointment@02T10', 'contacted@03T10']);
  });
});
