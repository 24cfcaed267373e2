/**
 * What a new user's first import gives, per system: each system's fixture imported through the
 * engine (real connector, shipped mapping, identity, store) into a tenant of its own, on the local
 * Redis under a key prefix of its own (removed at the end). Prints per system: records read,
 * records stored, customers, quarantined by reason, duplicate rows, unmatchable records.
 *   npx tsx bench/import-counts.ts [--json]
 * Fixtures: Meta, 250 leads from 245 people (test/fixtures/meta/leads-245-people.ts); HubSpot,
 * 12,000 contacts with distinct emails and phones, 300 sharing one modified time at the search
 * cap (test/connectors/hubspot/fake-contacts.ts); CDK, the 2,000-row FI deal export
 * (test/fixtures/dms); Mailchimp, the members pages of connectors/mailchimp/fixtures; ADF, the
 * documents of connectors/adf-crm/fixtures and test/fixtures/adf posted to the webhook.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { connectors } from '../connectors/index.ts';
import { createApp } from '../src/api/app.ts';
import { createEngine, type Engine } from '../src/runtime/engine.ts';
import { ConnectorRegistry } from '../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../src/sync/mapping-source.ts';
import { runSync } from '../src/sync/run-sync.ts';
import type { RunNotes } from '../src/sync/types.ts';
import { generateContacts } from '../test/connectors/hubspot/fake-contacts.ts';
import { FakeHubSpot } from '../src/sandbox/hubspot/server.ts';
import { CSV_FILE } from '../test/fixtures/dms/generate-cdk-export.ts';
import { FORM_ID, metaLeads250 } from '../test/fixtures/meta/leads-245-people.ts';
import { FakeMailchimp } from '../src/sandbox/mailchimp.ts';
import { openTestHub, type TestHub } from '../test/support/hub.ts';
import { FakeGraph } from './support/fake-graph.ts';

const ROOT = join(import.meta.dirname, '..');
const MC_KEY = '0123456789abcdef0123456789abcdef-us14';

/** One system's figures. */
interface Counts {
  system: string;
  read: number;
  stored: number;
  customers: number;
  quarantined: Record<string, number>;
  duplicateRows: number;
  unmatchable: number;
}

interface Ctx {
  t: TestHub;
  engine: Engine;
  tenantId: string;
}

/** Creates a connection and an inbound sync through `mapping`; returns both ids. */
async function inbound(
  c: Ctx,
  connectorId: string,
  mapping: string,
  conn: Record<string, unknown>,
) {
  const connection = await c.t.hub.connections.create(c.tenantId, {
    connectorId,
    name: connectorId,
    settings: (conn.settings ?? {}) as Record<string, unknown>,
    credentials: (conn.credentials ?? {}) as Record<string, string>,
  });
  const sync = await c.engine.service.create(c.tenantId, {
    name: mapping,
    connectionId: connection.id,
    mapping,
    mode: 'inbound',
  });
  return { connectionId: connection.id, syncId: sync.id };
}

/** Runs a sync once; its read count and notes. */
async function runOnce(c: Ctx, syncId: string) {
  const report = await runSync(c.engine.service.svc, c.tenantId, syncId, 'manual');
  if (!report || report.status !== 'succeeded')
    throw new Error(`run ${report?.status}: ${report?.errors.join('; ')}`);
  return { read: report.counts.read, notes: report.notes ?? {} };
}

async function meta(c: Ctx) {
  const graph = await new FakeGraph(FORM_ID, metaLeads250(Date.now() - 2 * 86_400_000)).start();
  try {
    const { syncId } = await inbound(c, 'meta', 'meta-leads', {
      settings: {
        graphHost: graph.url,
        formIds: [FORM_ID],
        pageSize: 100,
        campaignContext: 'none',
      },
      credentials: { accessToken: 'EAAB-test-token-0000000000' },
    });
    return await runOnce(c, syncId);
  } finally {
    await graph.stop();
  }
}

async function hubspot(c: Ctx) {
  const fake = await new FakeHubSpot().start();
  fake.objects.set('contacts', generateContacts(12_000, 9_850, 300));
  try {
    const { syncId } = await inbound(c, 'hubspot', 'hubspot-contacts', {
      settings: { apiHost: fake.url, indexLagMs: 0, pageSize: 100 },
      credentials: { accessToken: 'pat-na1-00000000-test-token' },
    });
    return await runOnce(c, syncId);
  } finally {
    await fake.stop();
  }
}

async function cdk(c: Ctx) {
  const folder = join(c.t.config.DATA_DIR, 'dms');
  mkdirSync(join(folder, 'cdk'), { recursive: true });
  copyFileSync(join(ROOT, 'test/fixtures/dms', CSV_FILE), join(folder, 'cdk', CSV_FILE));
  const { syncId } = await inbound(c, 'dms-files', 'dms-cdk-sales', {
    settings: { location: { type: 'local', folder } },
  });
  return runOnce(c, syncId);
}

async function mailchimp(c: Ctx) {
  const mc = await new FakeMailchimp('a1b2c3d4e5', MC_KEY).start();
  for (const page of ['members-page-1.json', 'members-page-2.json']) {
    const text = readFileSync(join(ROOT, 'connectors/mailchimp/fixtures', page), 'utf8');
    for (const m of (JSON.parse(text) as { members: Record<string, unknown>[] }).members) {
      const tags = ((m.tags ?? []) as { name: string }[]).map((x) => x.name);
      const hash = mc.add(String(m.email_address), m.status as never, tags);
      Object.assign(mc.members.get(hash)!, { merge_fields: m.merge_fields ?? {} });
    }
  }
  try {
    const { syncId } = await inbound(c, 'mailchimp', 'mailchimp-members', {
      settings: { listId: 'a1b2c3d4e5', baseUrl: mc.url },
      credentials: { apiKey: MC_KEY },
    });
    return await runOnce(c, syncId);
  } finally {
    await mc.stop();
  }
}

async function adf(c: Ctx) {
  const token = 'adf-webhook-token-0123456789';
  const { connectionId } = await inbound(c, 'adf-crm', 'adf-lead', {
    settings: {
      leadIntakeUrl: 'http://127.0.0.1:9/adf',
      auth: { type: 'none' },
      vendor: { name: 'Acme Ford of Austin', phone: '512-555-0000' },
    },
    credentials: { webhookToken: token },
  });
  const app = createApp(c.t.hub, c.engine.service);
  const files = [
    ...readdirSync(join(ROOT, 'connectors/adf-crm/fixtures')).map(
      (f) => `connectors/adf-crm/fixtures/${f}`,
    ),
    ...readdirSync(join(ROOT, 'test/fixtures/adf')).map((f) => `test/fixtures/adf/${f}`),
  ];
  let read = 0;
  for (const file of files) {
    const res = await app.request(`/hooks/${c.tenantId}/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'x-dealerloop-token': token },
      body: readFileSync(join(ROOT, file)),
    });
    const answer = (await res.json()) as { records?: number };
    if (res.status !== 200) throw new Error(`ADF post of ${file}: ${JSON.stringify(answer)}`);
    read += answer.records ?? 0;
  }
  for (const job of await c.engine.queue.queue.getJobs(['waiting']))
    await c.engine.queue.processor().process(job);
  return { read, notes: {} as RunNotes };
}

/** Quarantine reasons without the values they quote (no personal data in the output). */
const reasonOf = (p: { field: string; reason: string }) =>
  `${p.field}: ${p.reason.replace(/"[^"]*"/g, '…').replace(/\d+/g, 'N')}`.slice(0, 90);

async function figures(c: Ctx, system: string, run: { read: number; notes: RunNotes }) {
  const svc = c.engine.service.svc;
  const k = c.t.hub.keys;
  const quarantined: Record<string, number> = {};
  for (const e of await svc.quarantine.list(c.tenantId)) {
    const r = reasonOf(e.problems[0]!);
    quarantined[r] = (quarantined[r] ?? 0) + 1;
  }
  let stored = 0;
  for (const entity of ['lead', 'sale', 'customer'] as const) {
    if (entity === 'customer' && system !== 'hubspot' && system !== 'mailchimp') continue;
    stored += await c.t.hub.redis.hlen(k.records(c.tenantId, entity));
  }
  const { records } = await svc.records.walk(c.tenantId, 'customer', null, 100_000);
  const unmatchable = Object.entries(run.notes)
    .filter(([n]) => n.startsWith('unmatchable.'))
    .reduce((a, [, v]) => a + v, 0);
  return {
    system,
    read: run.read,
    stored,
    customers: records.filter((r) => !r.f.mergedInto).length,
    quarantined,
    duplicateRows: run.notes.duplicateRows ?? 0,
    unmatchable,
  } satisfies Counts;
}

const SYSTEMS = { meta, hubspot, cdk, mailchimp, adf };

const t = await openTestHub({ LOG_LEVEL: 'warn' });
const engine = createEngine(t.hub, {
  registry: new ConnectorRegistry(connectors),
  mappings: new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
  queueName: `import-counts-${randomUUID()}`,
});
const out: Counts[] = [];
try {
  for (const [system, run] of Object.entries(SYSTEMS)) {
    const tenantId = `counts-${system}`;
    await t.hub.tenants.create({ id: tenantId, name: `Import counts ${system}` });
    const c = { t, engine, tenantId };
    out.push(await figures(c, system, await run(c)));
  }
} finally {
  await engine.queue.queue.obliterate({ force: true }).catch(() => undefined);
  await engine.close();
  await t.cleanup();
}
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
else
  for (const s of out) {
    process.stdout.write(
      `${s.system.padEnd(10)} read ${s.read}, stored ${s.stored}, customers ${s.customers}, ` +
        `duplicate rows ${s.duplicateRows}, unmatchable ${s.unmatchable}, quarantined ` +
        `${Object.values(s.quarantined).reduce((a, b) => a + b, 0)}\n`,
    );
    for (const [reason, n] of Object.entries(s.quarantined))
      process.stdout.write(`${' '.repeat(12)}${n} × ${reason}\n`);
  }
