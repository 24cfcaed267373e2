import type { SinkDef, SinkItem, SinkResult } from '../../src/sdk/connector.ts';
import { PermanentError, UnreadableAnswerError } from '../../src/sdk/errors.ts';
import { parseWriteAnswer } from '../../src/sdk/vendor-body.ts';
import type { GoogleAdsContext } from './client.ts';
import { MAX_CONVERSIONS_PER_REQUEST } from './constants.ts';
import { buildConversion, type ClickConversion } from './conversion.ts';
import { rowOutcomes } from './partial-failure.ts';
import type { GoogleAdsCredentials, GoogleAdsSettings } from './settings.ts';
import { UploadAnswer } from './wire.ts';

/**
 * One uploadClickConversions request: `POST /{version}/customers/{id}:uploadClickConversions`
 * with `partialFailure: true` (required, docs/vendors.md (Google Ads); `debugEnabled` is not sent: it is gone
 * from v22). Returns one outcome per conversion, in order. An answer that does not parse, or
 * does not have one result per conversion, is unreadable (retryable: the resend is harmless,
 * Google keeps one conversion per order id; dead letters if it stays so), never a guess.
 */
async function upload(
  ctx: GoogleAdsContext,
  conversions: ClickConversion[],
  orderIds: string[],
): Promise<SinkResult[]> {
  const path = `/customers/${ctx.settings.customerId}:uploadClickConversions`;
  const res = await ctx.http.post(
    path,
    { conversions, partialFailure: true },
    { signal: ctx.signal },
  );
  const answer = parseWriteAnswer(UploadAnswer, res.data, `POST ${path}`);
  if (answer.results.length !== conversions.length)
    throw new UnreadableAnswerError(
      `POST ${path}: Google Ads answered ${answer.results.length} results for ${conversions.length} conversions`,
    );
  return rowOutcomes(answer.results, answer.partialFailureError, orderIds);
}

/**
 * Writes conversions: each record is checked and built (a bad one fails alone, with its field),
 * then sent in requests of at most `MAX_CONVERSIONS_PER_REQUEST`. A retry of the whole write
 * after a later request failed sends the earlier ones again; Google answers those with
 * ORDER_ID_ALREADY_IN_USE, which counts as delivered, so nothing is recorded twice.
 */
export async function writeConversions(
  ctx: GoogleAdsContext,
  items: SinkItem[],
): Promise<SinkResult[]> {
  const action = ctx.settings.conversionAction;
  if (!action)
    throw new PermanentError(
      'google-ads: set the connection setting conversionAction (customers/<id>/conversionActions/<id>) to upload conversions',
      null,
      'settings.conversionAction',
    );
  const results: SinkResult[] = new Array<SinkResult>(items.length);
  const ready: { index: number; conversion: ClickConversion; orderId: string }[] = [];
  items.forEach((item, index) => {
    const built = buildConversion(ctx.settings, action, item.record);
    if ('failure' in built) results[index] = built.failure;
    else ready.push({ index, ...built });
  });
  for (let i = 0; i < ready.length; i += MAX_CONVERSIONS_PER_REQUEST) {
    const chunk = ready.slice(i, i + MAX_CONVERSIONS_PER_REQUEST);
    const outcomes = await upload(
      ctx,
      chunk.map((c) => c.conversion),
      chunk.map((c) => c.orderId),
    );
    chunk.forEach((c, j) => (results[c.index] = outcomes[j]!));
  }
  return results;
}

/** The `click-conversions` sink: offline click conversions and enhanced conversions for leads. */
export const clickConversionsSink: SinkDef<GoogleAdsSettings, GoogleAdsCredentials> = {
  description:
    'Offline click conversions (gclid, gbraid, wbraid) and enhanced conversions for leads (hashed email/phone)',
  write: writeConversions,
  batchSize: MAX_CONVERSIONS_PER_REQUEST,
};
