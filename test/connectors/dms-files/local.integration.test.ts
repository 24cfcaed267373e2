import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ConnectorDef, StreamDef } from '../../../src/sdk/connector.ts';
import { PermanentError } from '../../../src/sdk/errors.ts';
import { drop, localSettings, salesCsv } from './drop.ts';
import { dmsConnector, openDmsHarness, type DmsHarness } from './harness.ts';

let h: DmsHarness;
beforeEach(async () => {
  h = await openDmsHarness();
});
afterEach(async () => {
  await h.close();
});

/** Drops a fixture into `folder`, syncs it once through `mapping`; the counts and records. */
async function ingest(mapping: string, folder: string, fixture: string, pageSize = 4) {
  drop(h.dir, `${folder}/${fixture}`, `fixture:${fixture}`);
  const syncId = await h.sync(mapping, localSettings(h.dir, { pageSize }));
  const { counts } = await h.run(syncId);
  return { syncId, counts, records: await h.records(syncId) };
}

describe('dms-files on a local folder', () => {
  it('reads a messy generic export: every row ends created, collapsed or quarantined with its reason', async () => {
    const {
      syncId,
      counts,
      records: sales,
    } = await ingest('dms-sales', 'sales', 'sales-messy.csv');
    // 7 rows: 4 deals, deal 1002 twice, a date no format reads, a truncated last line.
    expect(counts).toMatchObject({ read: 7, created: 4, quarantined: 2 });
    expect([...sales.keys()].sort()).toEqual([
      'ACME01:1001',
      'ACME01:1002',
      'ACME01:1003',
      'ACME01:1004',
    ]);
    expect(sales.get('ACME01:1001')).toMatchObject({
      saleDate: '2026-11-18',
      newUsed: 'new',
      price: 5245000,
      'customer.address.line1': '8643 Winston Ln, Apt 2',
      'customer.email': 'jane.doe@example.com',
      'customer.phone': '+15125550142',
    });
    // US date, accounting negative, a quoted co-buyer name.
    expect(sales.get('ACME01:1002')).toMatchObject({
      saleDate: '2026-11-19',
      backGross: -15000,
      coBuyerName: 'Mary Bernat',
    });
    // Compact date, a line break kept inside its quoted field.
    expect(sales.get('ACME01:1003')).toMatchObject({
      saleDate: '2026-11-19',
      'customer.address.line1': '1200 Lake Shore Dr\nUnit 5',
    });
    // Long date, doubled quotes, a stray quote in an unquoted field, accented names.
    expect(sales.get('ACME01:1004')).toMatchObject({
      saleDate: '2026-11-20',
      'vehicle.trim': 'Long Range "AWD"',
      leadSource: 'Website 18" wheels promo',
      'customer.firstName': 'Tomás',
    });

    const q = await h.quarantined(syncId);
    expect(q).toHaveLength(2);
    const badDate = q.find((e) => e.externalKey === 'ACME01:1005')!;
    expect(badDate.problems).toEqual([
      {
        field: 'saleDate',
        reason:
          'unreadable date "13/45/2026" (format seen: 99/99/9999; read month first (US): month "13" is not 1-12)',
      },
    ]);
    const truncated = q.find((e) => e.externalKey === null)!;
    expect(truncated.record).toEqual({
      _error: 'the row has 7 fields where the header has 38 (a truncated line?)',
      _raw: 'ACME01,1006,F,2026-11-20,,N,Fin',
      _file: 'sales/sales-messy.csv',
      _row: 7,
    });
    expect(truncated.problems).toEqual([
      {
        field: '(record)',
        reason: 'the row has 7 fields where the header has 38 (a truncated line?)',
      },
    ]);
  });

  it('maps CDK FI deal exports and quarantines a row cut inside a quoted field', async () => {
    const {
      syncId,
      counts,
      records: sales,
    } = await ingest('dms-cdk-sales', 'cdk', 'cdk-fi-deals.csv');
    expect(counts).toMatchObject({ read: 3, created: 2, quarantined: 1 });
    // The deal of the public CDK fixture (SamLubelskyImpel/setup-test `carlabs/tests/data/cdk.py`): SalesDate empty, so the contract date counts.
    expect(sales.get('314403')).toMatchObject({
      dealNumber: '314403',
      status: 'B',
      saleDate: '2023-01-04',
      newUsed: 'used',
      saleType: 'cash',
      vin: '2GNAXJEV2L6188291',
      'vehicle.make': 'Chevrolet',
      'vehicle.model': 'EQUINOX',
      'vehicle.odometer': 10003,
      price: 2390000,
      frontGross: 207250,
      backGross: 71300,
      totalGross: 278550,
      tradeVin: '3GNAL3EK6DS623104',
      'customer.firstName': 'Robert',
      'customer.middleName': 'John',
      'customer.lastName': 'Bernat',
      'customer.address.postalCode': '48127-1398',
      salesperson: 'Viollca Xhaja',
      fiManager: 'Donald Carns',
      leadSource: '3PAELEAD / ADPDATA',
    });
    expect(sales.get('314407')).toMatchObject({
      saleDate: '2023-01-07',
      contractDate: '2023-01-06',
      saleType: 'finance',
      coBuyerName: 'Ada Okafor',
    });
    const [cut] = await h.quarantined(syncId);
    expect(cut!.record).toMatchObject({
      _error: 'the file ends inside a quoted field (a truncated last line?)',
      _raw: 'FI-WIP*314410,314410,B,New,New,Lease,2023-01-09,,404001,"NGUYEN,AN',
      _row: 3,
    });
  });

  it('reads customers: a repeated customer collapses to its last row, a shifted row is quarantined', async () => {
    const {
      syncId,
      counts,
      records: customers,
    } = await ingest('dms-customers', 'customers', 'customers.csv', 1000);
    expect(counts).toMatchObject({ read: 5, created: 3, quarantined: 1 });
    expect(customers.get('ACME01:C50021')).toMatchObject({
      email: 'omar@haddad.example',
      mobilePhone: '+15125550151',
      updatedAt: '2026-11-20T08:30:00Z',
    });
    expect(customers.get('ACME01:C50013')).toMatchObject({ updatedAt: '2026-11-19T22:05:00Z' });
    const [shifted] = await h.quarantined(syncId);
    expect(shifted!.problems).toEqual([
      {
        field: '(record)',
        reason: 'the row has 13 fields where the header has 12 (an unquoted delimiter?)',
      },
    ]);
    expect(shifted!.record._error).toBe(
      'the row has 13 fields where the header has 12 (an unquoted delimiter?)',
    );
  });

  it('reads new and modified files on later runs, and not the ones already read', async () => {
    drop(h.dir, 'sales/day1.csv', salesCsv(1, 10), 0);
    drop(h.dir, 'sales/notes.txt', 'not an export', 0);
    drop(h.dir, 'customers/c.csv', 'fixture:customers.csv', 0);
    const syncId = await h.sync('dms-sales', localSettings(h.dir));

    expect((await h.run(syncId)).counts).toMatchObject({ read: 10, created: 10 });
    expect((await h.run(syncId)).counts).toMatchObject({ read: 0 });

    drop(h.dir, 'sales/day2.csv', salesCsv(11, 15), 60);
    expect((await h.run(syncId)).counts).toMatchObject({ read: 5, created: 5 });

    // Day 1 exported again with a late deal and a corrected price: read again, whole.
    const day1 = salesCsv(1, 10).replace('20003.00', '20300.00') + salesCsv(16, 16).split('\n')[1];
    drop(h.dir, 'sales/day1.csv', day1, 120);
    expect((await h.run(syncId)).counts).toMatchObject({
      read: 11,
      created: 1,
      updated: 1,
      unchanged: 9,
    });
    expect((await h.records(syncId)).get('ACME01:3')).toMatchObject({ price: 2030000 });
    expect((await h.run(syncId)).counts).toMatchObject({ read: 0 });
  });

  it('skips a file that appears stamped before the late-file window', async () => {
    drop(h.dir, 'sales/new.csv', salesCsv(1, 3), 24 * 60);
    const syncId = await h.sync('dms-sales', localSettings(h.dir, { lateFileWindowMinutes: 60 }));
    expect((await h.run(syncId)).counts).toMatchObject({ read: 3 });

    drop(h.dir, 'sales/late-but-recent.csv', salesCsv(4, 5), 24 * 60 - 30);
    drop(h.dir, 'sales/old.csv', salesCsv(6, 7), 0);
    expect((await h.run(syncId)).counts).toMatchObject({ read: 2, created: 2 });
    expect([...(await h.records(syncId)).keys()]).not.toContain('ACME01:6');
  });

  it('resumes mid-file after a crash, without losing or repeating a row', async () => {
    // A connector whose stream fails on its third page, once: as a worker dying mid-file.
    let pages = 0;
    let crash = true;
    const real = dmsConnector.streams!.sales!;
    const flaky: StreamDef<unknown, unknown> = {
      description: real.description,
      read: async (ctx, cursor) => {
        if (crash && ++pages === 3) throw new PermanentError('worker died');
        return real.read(ctx as never, cursor);
      },
    };
    await h.close();
    h = await openDmsHarness({ ...dmsConnector, streams: { sales: flaky } } as ConnectorDef);
    drop(h.dir, 'sales/big.csv', salesCsv(1, 10), 0);
    drop(h.dir, 'sales/more.csv', salesCsv(11, 13), 1);
    const syncId = await h.sync('dms-sales', localSettings(h.dir, { pageSize: 3 }));

    await expect(h.run(syncId)).rejects.toThrow('worker died');
    const cursor = JSON.parse(
      (await h.engine.service.svc.syncs.cursors(h.tenantId, syncId)).inbound!,
    ) as { file: { key: string; row: number; offset: number } };
    expect(cursor.file).toMatchObject({ key: 'sales/big.csv', row: 6 });
    const text = readFileSync(join(h.dir, 'sales/big.csv'), 'utf8');
    expect(text.slice(0, cursor.file.offset).split('\n')).toHaveLength(8); // header + 6 rows + ''
    expect((await h.records(syncId)).size).toBe(6);

    crash = false;
    const resumed = await h.run(syncId);
    expect(resumed.counts).toMatchObject({ read: 7, created: 7, unchanged: 0 });
    expect((await h.records(syncId)).size).toBe(13);
  });
});
