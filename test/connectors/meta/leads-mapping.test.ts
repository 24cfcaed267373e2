import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { presentLeads } from '../../../connectors/meta/campaign-context.ts';
import meta from '../../../connectors/meta/index.ts';
import { GraphLead } from '../../../connectors/meta/schemas.ts';
import { compileMapping, loadMappingFile } from '../../../src/mapping/index.ts';
import { contextOf } from './context.ts';

const lead = GraphLead.parse(
  JSON.parse(readFileSync('connectors/meta/fixtures/lead.json', 'utf8')),
);
const ctx = contextOf(
  meta,
  { pageId: '104853122299871' },
  { accessToken: 'EAAG-page-token-0123456789' },
);

async function mapping() {
  const loaded = await loadMappingFile('mappings/meta-leads.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return compileMapping(loaded.doc);
}

describe('mappings/meta-leads.yaml on what the meta connector presents', () => {
  it('keeps field_data filters working and carries the campaign context', async () => {
    const [record] = await presentLeads(ctx, [lead], () => ({
      id: '1187339126064512',
      name: 'Test Drive - Civic 2026',
    }));
    const m = await mapping();
    const out = m.in(record!);
    expect(out.errors).toEqual([]);
    expect(m.recordKey(record!)).toBe('1327461758824197');
    expect(out.value).toEqual({
      clickIds: { metaLeadId: '1327461758824197' },
      createdAt: '2025-11-20T10:05:04Z',
      stage: 'new',
      source: 'meta',
      sourceDetail:
        'Meta Lead Ads · form: Test Drive - Civic 2026 · ad set: Austin 25mi - Auto Intenders · ad: Civic Carousel - Test Drive',
      campaignId: '120215834455660471',
      campaignName: 'Q4 Civic Test Drive',
      adSetId: '120215834455660498',
      adId: '120215834455660512',
      formId: '1187339126064512',
      customer: {
        firstName: 'Jane',
        lastName: 'Doe',
        email: 'jane.doe@example.com',
        phone: '+15125550142',
        address: { postalCode: '78701' },
      },
      comments: '2026 Civic EX',
    });
  });

  it('drops the labels of names an organic lead does not have', async () => {
    const organic = { ...lead, is_organic: true } as Record<string, unknown>;
    for (const k of ['ad_id', 'ad_name', 'adset_id', 'adset_name', 'campaign_id', 'campaign_name'])
      delete organic[k];
    const [record] = await presentLeads(ctx, [organic as typeof lead], () => ({
      id: '1187339126064512',
      name: 'Test Drive - Civic 2026',
    }));
    const out = (await mapping()).in(record!);
    expect(out.value.sourceDetail).toBe('Meta Lead Ads · form: Test Drive - Civic 2026');
    expect(out.value).not.toHaveProperty('campaignId');
  });
});
