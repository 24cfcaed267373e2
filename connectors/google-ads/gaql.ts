import type { z } from 'zod';

import { parseVendorBody } from '../../src/sdk/vendor-body.ts';
import type { GoogleAdsContext } from './client.ts';
import { SearchStreamAnswer } from './wire.ts';

/**
 * Runs a GAQL query with `POST /{version}/customers/{id}/googleAds:searchStream` (docs/vendors.md (Google Ads),
 * public client code for `/googleAds:searchStream`/developers.google.com/google-ads/api/reference/rpc/v25/SearchGoogleAdsStreamResponse) and returns the rows of every batch of the answer, in order, each checked with `row`.
 * The answer is a JSON array of batches; a body that is not one (or a row that does not fit) is a
 * permanent error naming the field, never a silent empty result.
 */
export async function searchStream<T extends z.ZodType>(
  ctx: GoogleAdsContext,
  query: string,
  row: T,
): Promise<z.output<T>[]> {
  const path = `/customers/${ctx.settings.customerId}/googleAds:searchStream`;
  const res = await ctx.http.post(path, { query }, { signal: ctx.signal });
  const batches = parseVendorBody(SearchStreamAnswer(row), res.data, `POST ${path}`);
  return batches.flatMap((b) => b.results as z.output<T>[]);
}
