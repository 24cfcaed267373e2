import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { presentLeads } from '../../../connectors/meta/campaign-context.ts';
import meta from '../../../connectors/meta/index.ts';
import { GraphLead } from '../../../connectors/meta/schemas.ts';
import { metaLead } from './hub-lead.ts';
import { contextOf, shippedMapping } from './support.ts';

const lead = GraphLead.parse(
  JSON.parse(readFileSync('connectors/meta/fixtures/lead.json', 'utf8')),
);
const ctx = contextOf(
  meta,
  { pageId: '104853122299871' },
  { accessToken: 'EAAG-page-token-0123456789' },
);

describe('mappings/meta-leads.yaml on what the meta connector presents', () => {
  it('keeps field_data filters working and carries the campaign context', async () => {
    const [record] = await presentLeads(ctx, [lead], () => ({
      id: '1187339126064512',
      name: 'Test Drive - Civic 2026',
    }));
    const m = await shippedMapping('meta-leads');
    const out = m.in(record!);
    expect(out.errors).toEqual([]);
    expect(m.recordKey(record!)).toBe('1327461758824197');
    const { id: _hubId, ...expected } = metaLead;
    expect(out.value).toEqual(expected);
  });

  it('drops the labels of names an organic lead does not have', async () => {
    const organic = { ...lead, is_organic: true } as Record<string, unknown>;
    for (const k of ['ad_id', 'ad_name', 'adset_id', 'adset_name', 'campaign_id', 'campaign_name'])
      delete organic[k];
    const [record] = await presentLeads(ctx, [organic as typeof lead], () => ({
      id: '1187339126064512',
      name: 'Test Drive - Civic 2026',
    }));
    const out = (await shippedMapping('meta-leads')).in(record!);
    expect(out.value.sourceDetail).toBe('Meta Lead Ads · form: Test Drive - Civic 2026');
    expect(out.value).not.toHaveProperty('campaignId');
  });
});
