import { randomBytes } from 'node:crypto';

import { afterAll, describe, expect, it } from 'vitest';

import { ingestPage } from '../../src/sync/inbound.ts';
import { metaLeads250 } from '../fixtures/meta/leads-245-people.ts';
import { cliHome, runCliInProcess } from '../support/cli.ts';
import { dumpValues, openTestHub, scanKeys, type TestHub } from '../support/hub.ts';
import { metaInbound } from '../support/meta-inbound.ts';

// Issue 12 Build 7, the command itself: `dealerloop rebuild --tenant <id>` after the tenant's data
// keys are deleted gives back the same records, indexes, links and quarantine (test/archive/rebuild covers
// rebuildTenant over a richer world, local and S3).

const tenantId = 'rebuild-cli';
const home = cliHome('rebuild-cli');
const env = { ...home.env, HUB_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn' };
const REBUILT = /^(rec|ids|touch|bydate|idx|link|dest):/;
let t: TestHub;
afterAll(async () => {
  await t?.cleanup();
  await home.cleanup();
});

/** What precedes the rest of each of the tenant's keys. */
const tagOf = () => `${t.config.REDIS_PREFIX}:{${tenantId}}:`;

/** The tenant's keys (SCAN, never KEYS), each with what follows the tenant's tag. */
const tenantKeys = async (): Promise<[string, string][]> =>
  (await scanKeys(t.hub.redis, `${tagOf()}*`)).map((k) => [k, k.slice(tagOf().length)]);

/** Every record, index and link key with its whole content. */
async function dump(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of await dumpValues(t.hub.redis, `${tagOf()}*`)) {
    const rest = key.slice(tagOf().length);
    if (REBUILT.test(rest)) out[rest] = value;
  }
  return out;
}

describe('dealerloop rebuild --tenant', () => {
  it("gives back the same records, indexes, links and quarantine after the tenant's data keys are deleted", async () => {
    t = await openTestHub(env);
    const { svc, scope } = await metaInbound(t.hub, tenantId, 'Rebuild Motors');
    const leads = metaLeads250().map((l) => ({ ...l }));
    for (let i = 0; i < leads.length; i += 100)
      await ingestPage(svc, scope, leads.slice(i, i + 100));
    // A lead with an email the mapping refuses: stored without it, and quarantined with the
    // reason (so restored by the rebuild).
    const bad = { ...leads[0]!, id: '3999999999999999' };
    bad.field_data = [{ name: 'email', values: ['not an email'] }];
    await ingestPage(svc, scope, [bad]);
    const quarantined = await svc.quarantine.list(tenantId);
    expect(quarantined.map((q) => q.record.id)).toEqual([bad.id]);

    const before = await dump();
    expect(Object.keys(before['rec:lead'] as object)).toHaveLength(251);
    const data = (await tenantKeys())
      .filter(([, rest]) => REBUILT.test(rest) || rest.startsWith('quarantine'))
      .map(([k]) => k);
    await t.hub.redis.del(...data);
    expect(await dump()).toEqual({});
    expect(await svc.quarantine.count(tenantId)).toBe(0);

    const r = await runCliInProcess(['rebuild', '--tenant', tenantId, '--json'], env);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      tenantId,
      pages: 4,
      records: 251,
      quarantine: 1,
      skipped: [],
    });
    expect(await dump()).toEqual(before);
    expect(await svc.quarantine.list(tenantId)).toEqual(quarantined);
  });
});
