import { z } from 'zod';

/**
 * Campaign context a mapping hands the ADF connector under the record's `context` key (not an ADF
 * element): where the lead came from. The connector writes it where a CRM user sees it, in
 * `<customer><comments>`, and where a CRM can file it, as `<provider>` ids and service.
 */
export const CampaignContext = z
  .object({
    source: z.string().optional(),
    sourceDetail: z.string().optional(),
    campaignId: z.string().optional(),
    campaignName: z.string().optional(),
    adSetId: z.string().optional(),
    adId: z.string().optional(),
    formId: z.string().optional(),
    keyword: z.string().optional(),
  })
  .strict();
/** Campaign context of one lead. */
export type CampaignContext = z.output<typeof CampaignContext>;

/** An ADF `<id>` element as the record holds it. */
export interface AdfId {
  '@source': string;
  '#text': string;
  '@sequence'?: string;
}

/** The context as lines of text for `<comments>`, or none when there is no context. */
export function contextLines(c: CampaignContext): string[] {
  const lines: string[] = [];
  if (c.campaignName || c.campaignId)
    lines.push(
      `Campaign: ${[c.campaignName, c.campaignId && `(id ${c.campaignId})`].filter(Boolean).join(' ')}`,
    );
  if (c.sourceDetail || c.source) lines.push(`Source: ${c.sourceDetail ?? c.source}`);
  if (c.keyword) lines.push(`Keyword: ${c.keyword}`);
  const ids = [
    c.adSetId && `ad set ${c.adSetId}`,
    c.adId && `ad ${c.adId}`,
    c.formId && `form ${c.formId}`,
  ].filter(Boolean);
  if (ids.length) lines.push(`Ids: ${ids.join(', ')}`);
  return lines;
}

/**
 * The context ids as `<provider><id source="{source}:{kind}">` elements (the DTD allows `id*` first
 * in `<provider>`), e.g. `<id source="meta:campaign">1202…</id>`.
 */
export function contextIds(c: CampaignContext): AdfId[] {
  const prefix = c.source ?? 'campaign';
  const ids: [string, string | undefined][] = [
    ['campaign', c.campaignId],
    ['adset', c.adSetId],
    ['ad', c.adId],
    ['form', c.formId],
  ];
  return ids
    .filter((x): x is [string, string] => !!x[1])
    .map(([kind, id]) => ({ '@source': `${prefix}:${kind}`, '#text': id }));
}
