import { describe, expect, it } from 'vitest';

import type { GroupReport, GroupResponseReport } from '../../src/attribution/group-report.ts';
import { STAT_HEADS } from '../../src/ui/pages/accountability.tsx';
import {
  GroupResponsePeople,
  GroupResponseStores,
  GroupStoresTable,
} from '../../src/ui/pages/group.tsx';
import { ConnectionsTable, SyncsTable } from '../../src/ui/pages/health.tsx';

// Tables with nothing to list (the browser tests' worlds have something in each): one muted row
// across every column of the table, saying why it is empty.

const RANGE = { groupId: 'g', groupName: 'Empty Group', from: '2026-03-01', to: '2026-03-31' };
const empty: GroupReport = {
  ...RANGE,
  model: 'last_touch',
  groupBy: 'campaign',
  stores: [],
  rows: [],
  unattributed: [],
  subtotals: [],
  totals: [],
};
const emptyResponse: GroupResponseReport = { ...RANGE, stores: [], salespeople: [] };

/** The body rows of the rendered table: each cell's colspan and text. */
function bodyRows(html: string): { colspan: string | null; text: string }[][] {
  const body = /<tbody>(.*)<\/tbody>/s.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, row]) =>
    [...row!.matchAll(/<(?:td|th)([^>]*)>(.*?)<\/(?:td|th)>/gs)].map(([, attrs, text]) => ({
      colspan: /colspan="(\d+)"/.exec(attrs!)?.[1] ?? null,
      text: text!.replace(/<[^>]+>/g, '').trim(),
    })),
  );
}
const headCount = (html: string) =>
  (/<thead>(.*)<\/thead>/s.exec(html)?.[1] ?? '').split('<th').length - 1;

describe('group tables without stores', () => {
  it('the attribution table says the group has no stores, across its 9 columns', () => {
    const html = String(GroupStoresTable({ report: empty, query: 'from=2026-03-01' }));
    expect(headCount(html)).toBe(9);
    expect(bodyRows(html)).toEqual([[{ colspan: '9', text: 'This group has no stores yet.' }]]);
  });

  it('the response-time tables say so too, across their own columns', () => {
    const stores = String(GroupResponseStores({ report: emptyResponse, query: '' }));
    expect(headCount(stores)).toBe(3 + STAT_HEADS.length);
    expect(bodyRows(stores)).toEqual([
      [{ colspan: String(3 + STAT_HEADS.length), text: 'This group has no stores yet.' }],
    ]);
    const people = String(GroupResponsePeople({ report: emptyResponse }));
    expect(headCount(people)).toBe(2 + STAT_HEADS.length);
    expect(bodyRows(people)).toEqual([
      [
        {
          colspan: String(2 + STAT_HEADS.length),
          text: 'No leads were created in these dates at any store of the group.',
        },
      ],
    ]);
  });
});

describe('health tables of a new store', () => {
  it('say there are no connections (with the link to add one) and no syncs', () => {
    const conns = String(ConnectionsTable({ connections: [] }));
    expect(headCount(conns)).toBe(4);
    expect(bodyRows(conns)).toEqual([[{ colspan: '4', text: 'No connections yet. Add one.' }]]);
    expect(conns).toContain('<a href="/ui/setup">Add one</a>');
    const syncs = String(SyncsTable({ rows: [], timeZone: 'UTC' }));
    expect(headCount(syncs)).toBe(8);
    expect(bodyRows(syncs)).toEqual([[{ colspan: '8', text: 'No syncs yet.' }]]);
  });
});
