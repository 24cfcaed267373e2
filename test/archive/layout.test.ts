import { describe, expect, it } from 'vitest';

import { assertKey, buildKey, keyTime, parseKey } from '../../src/archive/layout.ts';

const loc = { tenantId: 'acme', connectionId: 'c_1f', stream: 'leads', kind: 'raw' } as const;

describe('archive key layout', () => {
  it('builds tenant/connection/stream/kind/date/timestamp-unique.ndjson.gz', () => {
    const at = new Date('2024-07-09T23:59:58.007Z');
    const key = buildKey({ ...loc, at });
    expect(key).toMatch(
      /^acme\/c_1f\/leads\/raw\/2024-07-09\/2024-07-09T23-59-58\.007Z-[0-9a-z]{12}\.ndjson\.gz$/,
    );
    const parts = parseKey(key);
    expect(parts).toMatchObject({ ...loc, layout: 2, date: '2024-07-09' });
    expect(keyTime(parts!).toISOString()).toBe(at.toISOString());
  });

  it('keeps append order for batches of the same millisecond', () => {
    const at = new Date('2024-07-09T10:00:00.000Z');
    const keys = Array.from({ length: 50 }, () => buildKey({ ...loc, at }));
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(50);
  });

  it('refuses ids that could escape the layout, and bad kinds and dates', () => {
    for (const tenantId of ['../x', '..', 'a/b', 'Acme', '', 'a.b', '-a', 'x'.repeat(64)]) {
      expect(() => buildKey({ ...loc, tenantId })).toThrow(/Invalid tenant id/);
    }
    expect(() => buildKey({ ...loc, connectionId: 'x/../../y' })).toThrow(/Invalid connection id/);
    expect(() => buildKey({ ...loc, stream: 'Leads' })).toThrow(/Invalid stream id/);
    expect(() => buildKey({ ...loc, kind: 'logs' as 'raw' })).toThrow(/Invalid archive kind/);
    expect(() => buildKey({ ...loc, at: new Date('nope') })).toThrow(/Invalid batch time/);
  });

  it('accepts only keys it builds, and keys of the first layout', () => {
    const good =
      'acme/c_1f/deals/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz';
    expect(() => assertKey(good)).not.toThrow();
    const first = 'acme/crm/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz';
    expect(parseKey(first)).toEqual({
      layout: 1,
      tenantId: 'acme',
      connectorId: 'crm',
      kind: 'report',
      date: '2024-02-29',
      name: '2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
    });
    for (const bad of [
      '../acme/crm/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/report/2023-02-29/2023-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/report/2024-02-28/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/c_1/../report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/a/b/c/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/edge/2024-02-29/2024-02-29T00-00-00-000Z-5d0c.json',
      'acme/crm/report/2024-02-29/../../x',
      'acme/crm/report/2024-02-29',
    ]) {
      expect(() => assertKey(bad)).toThrow(/Invalid archive key/);
    }
  });
});
