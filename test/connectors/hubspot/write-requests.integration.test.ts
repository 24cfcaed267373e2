import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import type { HubSpotContext } from '../../../connectors/hubspot/search.ts';
import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import type { SinkItem, SinkResult } from '../../../src/sdk/connector.ts';
import { DEFAULT_LEAD_STATUSES, serveContactWrites } from '../../../src/sandbox/hubspot/writes.ts';
import { FakeHubSpot } from '../../../src/sandbox/hubspot/server.ts';

import { context } from './support.ts';

const STAGES = ['new', 'contacted', 'appointment', 'shown', 'sold', 'lost'];
const N = 12_000;
let fake: FakeHubSpot;

beforeEach(async () => {
  fake = await new FakeHubSpot().start();
});
afterEach(async () => {
  await fake.stop();
});

/** A connector context on the fake HubSpot. */
const contextOn = (settings: Record<string, unknown> = {}) =>
  context({ apiHost: fake.url, ...settings });

/** 12,000 leads across every stage, mapped out with the shipped mapping, in sink batches. */
async function leadItems(): Promise<SinkItem[][]> {
  const loaded = await loadMappingFile('mappings/hubspot-leads.yaml');
  if (!loaded.ok) throw new Error('hubspot-leads.yaml does not load');
  const m = compileMapping(loaded.doc);
  const items = Array.from({ length: N }, (_, i) => ({
    canonicalId: `lead_${i}`,
    destinationId: null,
    idempotencyKey: `k${i}`,
    record: m.out({
      id: `lead_${i}`,
      stage: STAGES[i % STAGES.length],
      customer: { email: `buyer${i}@example.com`, firstName: `Pat${i}` },
    }).value!,
  }));
  const batches: SinkItem[][] = [];
  for (let i = 0; i < N; i += 100) batches.push(items.slice(i, i + 100));
  return batches;
}

async function writeAll(ctx: HubSpotContext, batches: SinkItem[][]): Promise<SinkResult[]> {
  const out: SinkResult[] = [];
  for (const b of batches) out.push(...(await hubspotConnector.sinks!.leads!.write(ctx, b)));
  return out;
}

describe('HubSpot contact writes: requests per refused batch', () => {
  it('12,000 leads in every stage go out in 120 requests: every status is one HubSpot defines', async () => {
    serveContactWrites(fake, DEFAULT_LEAD_STATUSES);
    const results = await writeAll(contextOn(), await leadItems());
    expect(results.filter((r) => r.ok)).toHaveLength(N);
    expect(fake.count(null, /batch\/upsert$/)).toBe(120);
    expect(fake.count(400)).toBe(0);
  });

  it('a portal without OPEN_DEAL: each refused batch costs one more request, not a split to singles', async () => {
    serveContactWrites(
      fake,
      DEFAULT_LEAD_STATUSES.filter((s) => s !== 'OPEN_DEAL'),
    );
    const results = await writeAll(contextOn(), await leadItems());
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(N / 6);
    expect(refused[0]).toMatchObject({ field: 'properties.hs_lead_status' });
    expect(results.filter((r) => r.ok)).toHaveLength(N - N / 6);
    expect(fake.count(null, /batch\/upsert$/)).toBe(240);
  });

  it('with the options read at connection test, undefined values never reach HubSpot', async () => {
    serveContactWrites(
      fake,
      DEFAULT_LEAD_STATUSES.filter((s) => s !== 'OPEN_DEAL'),
    );
    const ctx = contextOn();
    const learned = await hubspotConnector.check!(ctx);
    expect(learned).toMatchObject({
      settings: {
        propertyOptions: {
          contacts: { hs_lead_status: expect.not.arrayContaining(['OPEN_DEAL']) },
        },
      },
    });
    const results = await writeAll(contextOn(learned!.settings), await leadItems());
    expect(results.filter((r) => !r.ok)).toHaveLength(N / 6);
    expect(fake.count(null, /batch\/upsert$/)).toBe(120);
    expect(fake.count(400)).toBe(0);
  });
});
