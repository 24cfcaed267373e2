import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readPage, type PagePlan } from '../../../connectors/dms-files/read-page.ts';
import { LocalFolderSource } from '../../../connectors/dms-files/sources/local.ts';
import { drop, salesCsv } from './drop.ts';
import { pagePlan, readAll } from './pages.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dl-dms-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const signal = new AbortController().signal;
const local = () => new LocalFolderSource(dir);
const all = (plan: PagePlan, cursor: string | null = null) => readAll(local(), plan, cursor);

describe('readPage', () => {
  it('gives the same rows whatever the page size: offsets resume exactly across BOM, CRLF and quoted line breaks', async () => {
    drop(dir, 'a/sales.csv', 'fixture:sales-messy.csv', 0);
    drop(dir, 'b/cdk.csv', 'fixture:cdk-fi-deals.csv', 1);
    drop(dir, 'c/customers.csv', 'fixture:customers.csv', 2);
    const whole = (await all(pagePlan(1000))).records;
    expect(whole).toHaveLength(7 + 3 + 5);
    for (const size of [1, 2, 3, 5, 7]) expect((await all(pagePlan(size))).records).toEqual(whole);
  });

  it('pages span files, oldest first, and the last page says there is no more', async () => {
    drop(dir, 'z-first.csv', salesCsv(1, 3), 0);
    drop(dir, 'a-second.csv', salesCsv(4, 5), 10);
    const { pages } = await all(pagePlan(4));
    expect(pages.map((p) => p.map((r) => r.deal_number))).toEqual([['1', '2', '3', '4'], ['5']]);
  });

  it('reads a file changed between pages again from its start', async () => {
    drop(dir, 'day.csv', salesCsv(1, 6), 0);
    const source = local();
    const first = await readPage(source, pagePlan(4), null, signal);
    expect(first.records.map((r) => r.deal_number)).toEqual(['1', '2', '3', '4']);

    drop(dir, 'day.csv', salesCsv(1, 7).replace('ACME01,1,', 'ACME01,100,'), 5);
    const rest = await all(pagePlan(4), first.nextCursor);
    expect(rest.records.map((r) => r.deal_number)).toEqual(['100', '2', '3', '4', '5', '6', '7']);
  });

  it('drops a file deleted while it is read and goes on with the others', async () => {
    drop(dir, 'a.csv', salesCsv(1, 6), 0);
    drop(dir, 'b.csv', salesCsv(7, 8), 1);
    const source = local();
    const first = await readPage(source, pagePlan(4), null, signal);
    unlinkSync(join(dir, 'a.csv'));
    const rest = await all(pagePlan(4), first.nextCursor);
    expect(rest.records.map((r) => r.deal_number)).toEqual(['7', '8']);
  });

  it('turns an unclosed quote early in a file into one flagged row, keeping the rows before it', async () => {
    const head = salesCsv(1, 2);
    const runaway = `ACME01,3,2026-11-03,N,,"Pat,Buyer3\n${'x,'.repeat(700_000)}\n`;
    drop(dir, 'broken.csv', head + runaway, 0);
    const { records } = await all(pagePlan(10));
    expect(records.map((r) => r.deal_number ?? r._error)).toEqual([
      '1',
      '2',
      'no row end within 1048576 bytes (an unclosed quote?); the rest of the file is not read',
    ]);
    expect(String(records[2]!._raw)).toMatch(/^ACME01,3,2026-11-03,N,,"Pat,Buyer3\nx,x,x,/);
    expect(String(records[2]!._raw).length).toBeLessThanOrEqual(4001);
  });

  it('reads Latin-1, tab-delimited, CR-only exports when told', async () => {
    const text = 'dealer_id\tdeal_number\tlast_name\rACME01\t7\tNúñez\r';
    const path = drop(dir, 'legacy.csv', Buffer.from(text, 'latin1'));
    const { records } = await all(
      pagePlan(10, { format: { delimiter: '\t', encoding: 'latin1' } }),
    );
    expect(records).toEqual([
      { dealer_id: 'ACME01', deal_number: '7', last_name: 'Núñez', _file: 'legacy.csv', _row: 1 },
    ]);
    expect(readFileSync(path).includes(0xf1)).toBe(true);
  });

  it('lets a byte order mark decide the encoding, on every page', async () => {
    const text = '\ufeffdealer_id,deal_number,last_name\r\nACME01,1,Núñez\r\nACME01,2,Þór\r\n';
    drop(dir, 'utf16.csv', Buffer.from(text, 'utf16le'), 0);
    drop(dir, 'utf8.csv', Buffer.from(text, 'utf8'), 1);
    const latin1 = { format: { delimiter: ',', encoding: 'latin1' as const } };
    const names = (await all(pagePlan(1, latin1))).records.map((r) => r.last_name);
    expect(names).toEqual(['Núñez', 'Þór', 'Núñez', 'Þór']);
  });

  it('reads an empty file and a header-only file as done, with no rows', async () => {
    drop(dir, 'empty.csv', '', 0);
    drop(dir, 'header.csv', 'dealer_id,deal_number\r\n', 1);
    const { records, cursor } = await all(pagePlan(10));
    expect(records).toEqual([]);
    expect(Object.keys(JSON.parse(cursor!).done).sort()).toEqual(['empty.csv', 'header.csv']);
  });
});
