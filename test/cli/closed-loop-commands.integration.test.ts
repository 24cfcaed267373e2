import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { namedReport } from '../../src/attribution/group-report.ts';
import { reportCsv } from '../../src/attribution/report-csv.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { metaLeadL1, put, rec, saleS1, spendRow } from '../attribution/support.ts';
import { cliHome, runCliInProcess } from '../support/cli.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

// Issue 13 Build 5, the command line: `dealerloop report attribution --tenant` as a table for
// people (aligned columns, money with two decimals), --json, --csv and --export to the archive;
// `dealerloop sale explain <dealNumber>`; `report response-time` and `report data-quality`. Each
// prints what the hub's own services give for the same query.

const T = 'cli-loop';
const home = cliHome('cli-loop');
const env = { ...home.env, HUB_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn' };
const range = ['--from', '2026-03-01', '--to', '2026-03-31'];
let t: TestHub;

const cli = async (...args: string[]) => {
  const r = await runCliInProcess(args, env);
  expect(r.code, r.err).toBe(0);
  return r;
};

beforeAll(async () => {
  t = await openTestHub(env);
  await t.hub.tenants.create({ id: T, name: 'Acme Ford' });
  await put(new RecordStore(t.hub.redis, t.hub.keys), T, [
    metaLeadL1(),
    rec(
      'touchpoint',
      'p1',
      { type: 'ad_click', occurredAt: '2026-03-10T16:00:00Z', channel: 'google', campaignId: 'g1' },
      'c1',
    ),
    saleS1(),
    spendRow('sp1', '2026-03-10', 'google', 'g1', 12_345),
    // The platform's name of g1 (Google Ads campaigns stream): the table names it as the API does.
    rec('campaign', 'cmp1', { campaignId: 'g1', channel: 'google', name: 'Google, Brand Search' }),
  ]);
  await t.hub.attribution.catchUp(T);
});
afterAll(async () => {
  await t?.cleanup();
  await home.cleanup();
});

describe('closed-loop commands', () => {
  it('report attribution: a table with aligned columns and two decimals, --json, --csv, --export', async () => {
    const q = { from: '2026-03-01', to: '2026-03-31', model: 'linear' as const };
    const want = await namedReport(t.hub, T, { ...q, groupBy: 'campaign' });
    expect(want.rows.find((r) => r.campaignId === 'g1')?.campaignName).toBe('Google, Brand Search');
    /** `report attribution` of the tenant over March, linear, with `more` options. */
    const report = (...more: string[]) =>
      cli('report', 'attribution', '--tenant', T, ...range, '--model', 'linear', ...more);
    const json = await report('--json');
    expect(JSON.parse(json.out)).toEqual(JSON.parse(JSON.stringify(want)));

    const table = (await report()).out.trimEnd().split('\n');
    // A title, then every line of the box as wide as the others (aligned); money with two
    // decimals (each row rounded once; the totals are the sums of the rows, as CLOSED-LOOP.md).
    expect(table[0]).toBe('linear, 2026-03-01 to 2026-03-31');
    expect(new Set(table.slice(1).map((l) => l.length)).size).toBe(1);
    const text = table.join('\n');
    // Not a terminal: plain text, no ANSI colour codes for a file or a script to trip over.
    expect(stripVTControlCharacters(text)).toBe(text);
    for (const money of ['123.45', '1750.01', '3500.02', '10500.00', '21000.00', '246.90'])
      expect(text).toContain(money);
    expect(text).toMatch(/unattributed/);
    // Campaigns by name with their id; no cost per sale where no spend is recorded (m1, walk-ins).
    expect(table[2]).toMatch(/│ campaign +│/);
    expect(text).toContain('Google, Brand Search (g1)');
    const m1 = table.find((l) => l.includes(' m1 '))!;
    expect(m1).toContain('no spend');

    const csv = await report('--csv');
    expect(csv.out).toBe(reportCsv(want) + '\n');

    const exported = await report('--export', '--csv');
    const key = `${T}/reports/attribution/2026-03-01_2026-03-31_linear.csv`;
    expect(exported.err).toContain(`exported to ${key}`);
    expect(readFileSync(join(env.ARCHIVE_URL, key), 'utf8')).toBe(reportCsv(want) + '\n');
  });

  it('sale explain: the match, every touch with its credit per model; --json as the service', async () => {
    const want = await t.hub.attribution.explain(T, { dealNumber: 'D-1' });
    const json = await cli('sale', 'explain', 'D-1', '--tenant', T, '--json');
    expect(JSON.parse(json.out)).toEqual(JSON.parse(JSON.stringify(want)));
    expect(want.touches.map((x) => [x.id, x.credits.linear])).toEqual([
      ['lead:l1', '1/2'],
      ['touchpoint:p1', '1/2'],
    ]);
    const text = (await cli('sale', 'explain', 'D-1', '--tenant', T)).out;
    for (const s of ['D-1', 'email', 'high', 'meta', 'm1', 'google', 'g1'])
      expect(text).toContain(s);
  });

  it('report response-time and data-quality print JSON, CSV and tables', async () => {
    for (const kind of ['response-time', 'data-quality']) {
      const json = JSON.parse(
        (await cli('report', kind, '--tenant', T, ...range, '--json')).out,
      ) as {
        from: string;
        to: string;
      };
      expect([json.from, json.to]).toEqual(['2026-03-01', '2026-03-31']);
      expect(
        (await cli('report', kind, '--tenant', T, ...range, '--csv')).out.split('\n')[0],
      ).toMatch(/,/);
      expect((await cli('report', kind, '--tenant', T, ...range)).out).toContain('2026-03-01');
    }
  });
});
