import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Validator, type Schema } from '@cfworker/json-schema';
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startApi, type ApiServer } from '../../src/api/server.ts';
import { canonicalEntities, entityNames } from '../../src/canonical/index.ts';
import { ApiKeySchema, ConnectionSchema, TenantSchema } from '../../src/entities/hub.ts';
import { recordSchemas } from '../../src/entities/records.ts';
import { StoredValueError } from '../../src/entities/stored.ts';
import {
  DeadLetterSchema,
  QuarantineEntrySchema,
  RunSchema,
  SyncSchema,
} from '../../src/entities/sync.ts';
import { createEngine, type Engine } from '../../src/runtime/engine.ts';
import { ingestPage } from '../../src/sync/inbound.ts';
import { DirectoryMappingSource } from '../../src/sync/mapping-source.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';
import { shutDown } from '../support/shut-down.ts';

const T = 'schema-motors';
const MAPPINGS = join(import.meta.dirname, '../../mappings');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Every entity component the document must hold, with the schema its store reads and writes. */
const STORE_SCHEMAS: Record<string, z.ZodType> = {
  Tenant: TenantSchema,
  ApiKey: ApiKeySchema,
  Connection: ConnectionSchema,
  Sync: SyncSchema,
  Run: RunSchema,
  QuarantineEntry: QuarantineEntrySchema,
  DeadLetter: DeadLetterSchema,
  ...Object.fromEntries(entityNames.map((e) => [cap(e), canonicalEntities[e]])),
  ...Object.fromEntries(entityNames.map((e) => [`${cap(e)}Record`, recordSchemas[e]])),
};

/** Mapping files whose samples make one record of each entity (identity adds the customers). */
const SAMPLES = [
  ['meta', 'meta-leads'],
  ['dms-files', 'dms-sales'],
  ['meta', 'meta-spend'],
  ['meta', 'meta-campaigns'],
  ['mailchimp', 'mailchimp-touchpoints'],
  ['hubspot', 'hubspot-engagements'],
] as const;

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};
type Response = { content?: { 'application/json'?: { schema: Record<string, unknown> } } };

let t: TestHub;
let engine: Engine;
let api: ApiServer;
let base: string;
let token: string;
let doc: Doc;
let syncId: string;
let connectionId: string;

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Validates a value against one component of the served document (JSON Schema 2020-12). */
function check(component: string, value: unknown) {
  const root = { $ref: `#/components/schemas/${component}`, components: doc.components };
  const result = new Validator(root as Schema, '2020-12', false).validate(value);
  return result.errors.map((e) => `${e.instanceLocation} ${e.error}`);
}

beforeAll(async () => {
  t = await openTestHub({ LOG_LEVEL: 'warn' });
  engine = createEngine(t.hub, {
    queueName: `schemas-${randomUUID()}`,
    mappings: new DirectoryMappingSource(MAPPINGS),
  });
  api = await startApi(t.hub, engine.service, 0);
  base = `http://127.0.0.1:${api.port}`;
  await t.hub.tenants.create({ id: T, name: 'Schema Motors' });
  token = (await t.hub.apiKeys.create(T, 'admin', 'admin')).token;
  const svc = engine.service.svc;
  for (const [connectorId, mappingName] of SAMPLES) {
    const conn = await t.hub.connections.create(T, {
      connectorId,
      name: mappingName,
      credentials: { accessToken: 'test-token' },
    });
    const sync = await engine.service.create(T, {
      name: mappingName,
      connectionId: conn.id,
      mapping: mappingName,
      mode: 'inbound',
    });
    const mapping = await svc.mappings.get(mappingName);
    const sample = JSON.parse(
      readFileSync(join(MAPPINGS, 'samples', `${mappingName}.json`), 'utf8'),
    ) as Record<string, unknown>;
    const scope = { sync, connector: svc.registry.get(connectorId), mapping, twoWay: false };
    const counts = await ingestPage(svc, { ...scope, stream: mapping.stream }, [sample]);
    expect(counts.created, mappingName).toBe(1);
    syncId = sync.id;
    connectionId = conn.id;
  }
  await svc.runs.finish(await svc.runs.start(T, syncId, 'manual'), 'succeeded');
  const entry = {
    tenantId: T,
    syncId,
    connectionId,
    direction: 'in' as const,
    stream: 'engagements',
    externalKey: 'k1',
    record: { id: 'k1' },
    problems: [{ field: 'timestamp', reason: 'not a date' }],
  };
  await svc.quarantine.add([entry]);
  await svc.deadLetters.add([{ ...entry, direction: 'out' }]);
  doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
});
afterAll(() => shutDown(api, engine, t));

/** Every `$ref` name under a JSON value. */
function refsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace('#/components/schemas/', ''));
      else refsIn(v, out);
    }
  return out;
}

describe('one zod schema per entity, shared by the store and the OpenAPI document', () => {
  it("every entity component is the JSON Schema of the store's own zod schema", () => {
    for (const [name, schema] of Object.entries(STORE_SCHEMAS)) {
      const alone = new OpenAPIHono();
      alone.openAPIRegistry.register(name, schema);
      const generated = alone.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: name, version: '0' },
      });
      // The component and the ones it refers to (CustomerRecord -> Customer) are the same.
      for (const [n, component] of Object.entries(generated.components?.schemas ?? {}))
        expect(doc.components.schemas[n], `${name}: component ${n}`).toEqual(component);
    }
  });

  it('answers of the routes refer to the entity components, none repeats one inline', () => {
    const answers = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).flatMap((op) =>
        Object.entries(op.responses)
          .filter(([status]) => status.startsWith('2'))
          .map(([, r]) => r.content?.['application/json']?.schema)
          .filter((s) => s !== undefined),
      ),
    );
    const referred = refsIn(answers);
    for (const name of ['Tenant', 'ApiKey', 'Connection', 'Sync', 'Run', 'Record'])
      expect(referred, name).toContain(name);
    for (const name of ['QuarantineEntry', 'DeadLetter']) expect(referred, name).toContain(name);
    const bodies = Object.entries(STORE_SCHEMAS).map(([n]) => [n, doc.components.schemas[n]]);
    const inline = JSON.stringify(answers);
    for (const [n, body] of bodies) expect(inline, String(n)).not.toContain(JSON.stringify(body));
  });

  it('records and entities read through the API on loopback validate against the document', async () => {
    for (const entity of ['lead', 'sale', 'spend', 'campaign', 'touchpoint', 'activity']) {
      const { status, body } = await get(`/v1/tenants/${T}/records/${entity}`);
      expect(status, entity).toBe(200);
      const items = body.items as { entity: string }[];
      expect(items.length, entity).toBe(1);
      expect(check('Record', items[0]), entity).toEqual([]);
      expect(check(`${cap(entity)}Record`, items[0]), entity).toEqual([]);
    }
    const customers = (await get(`/v1/tenants/${T}/records/customer`)).body.items as unknown[];
    expect(customers.length).toBeGreaterThan(0);
    for (const c of customers) expect(check('CustomerRecord', c)).toEqual([]);
    const one = async (path: string) => (await get(`/v1/tenants/${T}${path}`)).body;
    const items = async (path: string) => (await one(path)).items as unknown[];
    const reads: [string, unknown[]][] = [
      ['Tenant', [await one('')]],
      ['ApiKey', await items('/api-keys')],
      ['Connection', await items('/connections')],
      ['Sync', await items('/syncs')],
      ['Run', await items(`/syncs/${syncId}/runs`)],
      ['QuarantineEntry', await items('/quarantine')],
      ['DeadLetter', await items('/dead-letters')],
    ];
    for (const [component, values] of reads) {
      expect(values.length, component).toBeGreaterThan(0);
      for (const v of values) expect(check(component, v), component).toEqual([]);
    }
    // The validator does refuse what the document does not allow.
    expect(
      check('LeadRecord', { ...(await items('/records/lead'))[0]!, version: 'x' }),
    ).not.toEqual([]);
  });
});

describe('a stored value that does not fit its schema', () => {
  it('is reported naming the key and the field, by the store and by the API', async () => {
    const k = t.hub.keys;
    const conn = await t.hub.connections.create(T, { connectorId: 'meta', name: 'bad' });
    await t.hub.redis.hset(k.connection(T, conn.id), 'status', 'exploded');
    const err = await t.hub.connections.get(T, conn.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoredValueError);
    expect((err as Error).message).toContain(k.connection(T, conn.id));
    expect((err as StoredValueError).details).toEqual([
      { path: 'status', message: expect.stringContaining('active') },
    ]);
    expect(await get(`/v1/tenants/${T}/connections`)).toMatchObject({
      status: 500,
      body: { error: { code: 'stored_value_invalid', details: [{ path: 'status' }] } },
    });
    // It can still be deleted (existence is all a delete reads).
    await t.hub.connections.remove(T, conn.id);
    expect((await get(`/v1/tenants/${T}/connections`)).status).toBe(200);
  });

  it('a record field, a run count and an entry problem are named too', async () => {
    const k = t.hub.keys;
    const svc = engine.service.svc;
    const [lead] = (await svc.records.walk(T, 'lead', null, 1)).records;
    const bad = { ...lead!, f: { ...lead!.f, 'customer.email': 'not-an-email' } };
    await svc.records.writeMany(T, [
      { record: bad, expected: lead!.v, sourceConnectionId: connectionId, changed: [] },
    ]);
    const records = await get(`/v1/tenants/${T}/records/lead`);
    expect(records).toMatchObject({
      status: 500,
      body: {
        error: { code: 'stored_value_invalid', details: [{ path: 'fields.customer.email' }] },
      },
    });
    expect((records.body.error as { message: string }).message).toContain(
      `${k.records(T, 'lead')} ${lead!.id}`,
    );
    // Logged for operators with the key and field, never the value.
    expect(t.logText()).toContain('fields.customer.email');
    expect(t.logText()).not.toContain('not-an-email');
    const [run] = await svc.runs.list(T, syncId);
    const text = JSON.stringify({ ...run!, counts: { ...run!.counts, read: 'many' } });
    await t.hub.redis.set(k.run(T, run!.id), text);
    expect(await get(`/v1/tenants/${T}/runs/${run!.id}`)).toMatchObject({
      status: 500,
      body: { error: { details: [{ path: 'counts.read' }] } },
    });
    const [entry] = await svc.quarantine.list(T);
    await t.hub.redis.hset(
      k.quarantine(T),
      entry!.id,
      JSON.stringify({ ...entry!, problems: [{ field: 'x' }] }),
    );
    expect(await get(`/v1/tenants/${T}/quarantine/${entry!.id}`)).toMatchObject({
      status: 500,
      body: { error: { details: [{ path: 'problems.0.reason' }] } },
    });
    // A bad entry can still be discarded.
    await svc.quarantine.remove(T, entry!.id);
    expect(await svc.quarantine.count(T)).toBe(0);
  });
});
