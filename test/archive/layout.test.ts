import { describe, expect, it } from 'vitest';

import { assertKey, buildKey, parseKey } from '../../src/archive/layout.ts';

const loc = { tenantId: 'acme', connectorId: 'meta-ads', kind: 'raw' } as const;

describe('archive key layout', () => {
  it('builds tenant/connector/kind/date/timestamp-unique.ndjson.gz', () => {
    const key = buildKey({ ...loc, at: new Date('2024-07-09T23:59:58.007Z') });
    expect(key).toMatch(
      /^acme\/meta-ads\/raw\/2024-07-09\/2024-07-09T23-59-58\.007Z-[0-9a-z]{12}\.ndjson\.gz$/,
    );
    expect(parseKey(key)).toMatchObject({ ...loc, date: '2024-07-09' });
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
    expect(() => buildKey({ ...loc, connectorId: 'x/../../y' })).toThrow(/Invalid connector id/);
    expect(() => buildKey({ ...loc, kind: 'logs' as 'raw' })).toThrow(/Invalid archive kind/);
    expect(() => buildKey({ ...loc, at: new Date('nope') })).toThrow(/Invalid batch time/);
  });

  it('accepts only keys it builds', () => {
    const good = 'acme/crm/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz';
    expect(() => assertKey(good)).not.toThrow();
    for (const bad of [
      '../acme/crm/report/2024-02-29/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/report/2023-02-29/2023-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/report/2024-02-28/2024-02-29T00-00-00.000Z-000001abcdef.ndjson.gz',
      'acme/crm/report/2024-02-29/../../x',
      'acme/crm/report/2024-02-29',
    ]) {
      expect(() => assertKey(bad)).toThrow(/Invalid archive key/);
    }
  });
});
