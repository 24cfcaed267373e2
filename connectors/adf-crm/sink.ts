import type { ConnectorContext, SinkDef, SinkResult } from '../../src/sdk/connector.ts';
import { AuthError, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { classifyHttpError } from '../../src/sdk/http.ts';
import { buildAdf } from './build.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/** What the ADF sink receives. */
export type AdfContext = ConnectorContext<AdfSettings, AdfCredentials>;

/**
 * ADF delivery is one document per HTTP request (there is no batch form: docs/vendors.md (ADF)), so a batch
 * is one lead, and each POST takes one token of the connection's shared rate limit.
 */
export const LEADS_PER_BATCH = 1;

/**
 * The `leads` sink: POSTs one ADF 1.0 document per lead to the CRM's lead intake. A lead already
 * delivered (the link table knows it) is skipped, or sent again with `status="resend"` when the
 * `updates` setting says so: ADF creates a lead on every delivery. A lead that cannot make a
 * valid document, or that the CRM refuses with a 4xx, fails alone (quarantined with the reason).
 * A retryable failure before anything of the batch was delivered is thrown, so the engine retries
 * the batch with backoff; after a delivery it is reported per item, so nothing is sent twice.
 */
export const leadsSink: SinkDef<AdfSettings, AdfCredentials> = {
  description: 'Delivers each lead as one ADF/XML 1.0 document to the CRM lead intake',
  batchSize: LEADS_PER_BATCH,
  write: async (ctx, items) => {
    const s = ctx.settings;
    const results: SinkResult[] = [];
    let delivered = 0;
    for (const item of items) {
      if (item.destinationId && s.updates === 'skip') {
        results.push({ ok: true, destinationId: item.destinationId });
        continue;
      }
      let xml: string;
      try {
        xml = buildAdf(item.record, {
          canonicalId: item.canonicalId,
          status: item.destinationId ? 'resend' : 'new',
          settings: s,
        });
      } catch (err) {
        if (!(err instanceof PermanentError)) throw err;
        results.push({ ok: false, retryable: false, reason: err.message, ...fieldOf(err) });
        continue;
      }
      try {
        await ctx.http.post('', xml, {
          headers: {
            'content-type': `${s.contentType}; charset=utf-8`,
            'idempotency-key': item.idempotencyKey,
          },
          signal: ctx.signal,
        });
        delivered++;
        // The CRM answers no id; the hub's lead id sent as <id source=idSource> names it there.
        results.push({ ok: true, destinationId: item.canonicalId });
      } catch (raw) {
        const err = classifyHttpError(raw);
        if (err instanceof AuthError || (err instanceof RetryableError && delivered === 0))
          throw err;
        const retryable = err instanceof RetryableError;
        results.push({ ok: false, retryable, reason: err.message });
        if (retryable) break;
      }
    }
    // Items after a retryable failure were not tried: retry them with it.
    for (const _ of items.slice(results.length))
      results.push({
        ok: false,
        retryable: true,
        reason: 'not sent: an earlier lead of the batch failed',
      });
    return results;
  },
};

const fieldOf = (err: PermanentError) => (err.field ? { field: err.field } : {});
