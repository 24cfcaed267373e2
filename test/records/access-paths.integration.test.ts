import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { AccessPaths } from '../../src/records/access-paths.ts';
import type { StoredRecord } from '../../src/records/merge.ts';
import { RecordStore } from '../../src/records/record-store.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let store: RecordStore;
let paths: AccessPaths;
beforeAll(async () => {
  t = await openTestHub();
  store = new RecordStore(t.hub.redis, t.hub.keys);
  paths = new AccessPaths(t.hub.redis, t.hub.keys);
});
afterAll(() => t.cleanup());

const T = 'ap1';
const rec = (entity: string, id: string, f: Record<string, unknown>, customerId?: string) =>
  ({ id, entity, v: 0, f, m: {}, ...(customerId ? { customerId } : {}) }) as StoredRecord;
const put = (r: StoredRecord, expected = 0) =>
  store.writeMany(T, [{ record: r, expected, sourceConnectionId: 'c', changed: [] }]);

/** The Redis commands `fn` sends. */
async function commandsOf<R>(fn: () => Promise<R>): Promise<{ result: R; commands: string[] }> {
  const spy = vi.spyOn(t.hub.redis, 'sendCommand');
  try {
    const result = await fn();
    return { result, commands: spy.mock.calls.map(([c]) => (c as { name: string }).name) };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  // A thousand touches of other customers around, so a scan would show in the commands.
  for (let i = 0; i < 1_000; i++)
    await put(rec('touchpoint', `tp_x${i}`, { occurredAt: '2026-10-01T12:00:00Z' }, `cus_${i}`));
  await put(rec('lead', 'led_1', { createdAt: '2026-11-02T15:00:00Z' }, 'cus_c'));
  await put(rec('touchpoint', 'tp_1', { occurredAt: '2026-11-03T09:30:00Z' }, 'cus_c'));
  await put(rec('activity', 'act_1', { occurredAt: '2026-08-01T09:30:00Z' }, 'cus_c')); // too old
  await put(rec('sale', 'sal_1', { saleDate: '2026-11-20' }, 'cus_c'));
  await put(rec('sale', 'sal_2', { saleDate: '2026-12-01' }, 'cus_d'));
  await put(rec('spend', 'spd_1', { date: '2026-11-20' }));
});

describe('access paths', () => {
  it('every touch of customer C in the last 90 days: one ZRANGEBYSCORE, no scan', async () => {
    const now = Date.parse('2026-11-25T00:00:00Z');
    const { result, commands } = await commandsOf(() =>
      paths.touchesOfCustomer(T, 'cus_c', now - 90 * 86_400_000, now),
    );
    expect(result).toEqual([
      { entity: 'lead', id: 'led_1', atMs: Date.parse('2026-11-02T15:00:00Z') },
      { entity: 'touchpoint', id: 'tp_1', atMs: Date.parse('2026-11-03T09:30:00Z') },
      { entity: 'sale', id: 'sal_1', atMs: Date.parse('2026-11-20T00:00:00Z') },
    ]);
    expect(commands).toEqual(['zrangebyscore']);
  });

  it('every sale between two dates: one ZRANGEBYSCORE on the by-date index, dates as dates', async () => {
    const { result, commands } = await commandsOf(() =>
      paths.idsOnDays(T, 'sale', '2026-11-01', '2026-11-30', 'America/Chicago'),
    );
    expect(result).toEqual(['sal_1']);
    expect(commands).toEqual(['zrangebyscore']);
    expect(await paths.idsOnDays(T, 'spend', '2026-11-20', '2026-11-20', 'UTC')).toEqual(['spd_1']);
  });

  it("instants are placed on the tenant's days in its time zone", async () => {
    // 2026-11-02T15:00Z is 09:00 on Nov 2 in Chicago and 00:00 on Nov 3 in Tokyo.
    expect(await paths.idsOnDays(T, 'lead', '2026-11-02', '2026-11-02', 'America/Chicago')).toEqual(
      ['led_1'],
    );
    expect(await paths.idsOnDays(T, 'lead', '2026-11-03', '2026-11-03', 'Asia/Tokyo')).toEqual([
      'led_1',
    ]);
    expect(
      await paths.idsByTime(
        T,
        'touchpoint',
        Date.parse('2026-11-03T00:00:00Z'),
        Date.parse('2026-11-04T00:00:00Z'),
      ),
    ).toEqual(['tp_1']);
  });

  it('a record whose customer or time changes moves in the same write', async () => {
    const [lead] = await store.getMany(T, 'lead', ['led_1']);
    await put({ ...lead!, customerId: 'cus_e', f: { createdAt: '2026-11-10T10:00:00Z' } }, lead!.v);
    const all = [0, Date.parse('2027-01-01T00:00:00Z')] as const;
    expect((await paths.touchesOfCustomer(T, 'cus_c', ...all)).map((x) => x.id)).toEqual([
      'act_1',
      'tp_1',
      'sal_1',
    ]);
    expect(await paths.touchesOfCustomer(T, 'cus_e', ...all)).toEqual([
      { entity: 'lead', id: 'led_1', atMs: Date.parse('2026-11-10T10:00:00Z') },
    ]);
    expect(await paths.idsOnDays(T, 'lead', '2026-11-02', '2026-11-02', 'UTC')).toEqual([]);
    expect(await paths.idsOnDays(T, 'lead', '2026-11-10', '2026-11-10', 'UTC')).toEqual(['led_1']);
  });

  it("the sales of many customers: one script call per 500 customers, only the sales' ids back", async () => {
    const customers = [
      'cus_c',
      'cus_d',
      'cus_none',
      'cus_c',
      ...Array.from({ length: 1_000 }, (_, i) => `cus_${i}`),
    ];
    const { result, commands } = await commandsOf(() => paths.idsOfCustomers(T, customers, 'sale'));
    expect(result).toEqual(['sal_1', 'sal_2']);
    expect(commands).toHaveLength(3); // 1,003 distinct customers: three calls
    expect(commands.every((c) => c === 'evalsha' || c === 'eval')).toBe(true);
    expect(await paths.idsOfCustomers(T, [], 'sale')).toEqual([]);
  });
});
