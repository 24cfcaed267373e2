import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { accessPathsMigration } from '../../src/migrations/004-access-paths.ts';
import { AccessPaths } from '../../src/records/access-paths.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
beforeAll(async () => {
  t = await openTestHub();
});
afterAll(() => t.cleanup());

describe('004-access-paths', () => {
  it("indexes records written before the access paths existed, by date and as customers' touches", async () => {
    const k = t.hub.keys;
    const leads = Object.fromEntries(
      Array.from({ length: 1_200 }, (_, i) => [
        `led_${i}`,
        `1|${JSON.stringify({ f: { createdAt: `2026-11-0${1 + (i % 9)}T12:00:00Z` }, c: `cus_${i % 10}` })}`,
      ]),
    );
    await t.hub.redis.hset(k.records('m4', 'lead'), leads);
    await t.hub.redis.hset(
      k.records('m4', 'sale'),
      'sal_1',
      '1|{"f":{"saleDate":"2026-11-20"},"c":"cus_3"}',
    );
    await t.hub.redis.hset(k.records('m4', 'spend'), 'spd_1', '1|{"f":{"date":"2026-11-20"}}');
    const ctx = { redis: t.hub.redis, keys: k, tenantId: 'm4', log: t.hub.log };
    expect(await accessPathsMigration.run(ctx)).toEqual({ changed: 1_202 });
    const paths = new AccessPaths(t.hub.redis, k);
    const touches = await paths.touchesOfCustomer('m4', 'cus_3', 0, Date.parse('2027-01-01'));
    expect(touches).toHaveLength(121);
    expect(touches.at(-1)).toEqual({ entity: 'sale', id: 'sal_1', atMs: Date.parse('2026-11-20') });
    expect(await paths.idsOnDays('m4', 'lead', '2026-11-01', '2026-11-01', 'UTC')).toHaveLength(
      134,
    );
    expect(await paths.idsOnDays('m4', 'spend', '2026-11-20', '2026-11-20', 'UTC')).toEqual([
      'spd_1',
    ]);
    expect(await accessPathsMigration.run(ctx)).toEqual({ changed: 1_202 }); // again: same indexes
    expect(await paths.touchesOfCustomer('m4', 'cus_3', 0, Date.parse('2027-01-01'))).toHaveLength(
      121,
    );
  });
});
