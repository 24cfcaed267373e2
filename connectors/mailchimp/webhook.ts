import qs from 'qs';

import type { WebhookOutcome, WebhookRequest } from '../../src/sdk/connector.ts';
import { PermanentError } from '../../src/sdk/errors.ts';
import type { WebhookAuth } from '../../src/sdk/webhook-auth.ts';
import { WEBHOOK_SECRET_PARAM } from './limits.ts';
import type { MailchimpSettings } from './settings.ts';
import { MEMBER_EVENTS, memberOfEvent, parseEvent } from './webhook-events.ts';

/**
 * Mailchimp signs nothing; its guide suggests a secret key in the webhook URL, checked as a query
 * parameter (docs/vendors.md, Mailchimp), on the validator's GET too.
 */
export const WEBHOOK_AUTH: WebhookAuth<{ webhookSecret?: string }> = {
  kind: 'token',
  secret: 'webhookSecret',
  from: [{ query: WEBHOOK_SECRET_PARAM }],
};

/**
 * The delivery's fields. Mailchimp posts `application/x-www-form-urlencoded` with PHP-style
 * bracket keys (`data[merges][FNAME]`), parsed with qs (bounded depth and count); a JSON body
 * is read as JSON.
 */
function formOf(req: WebhookRequest): unknown {
  const text = req.rawBody.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new PermanentError('webhook body is not JSON', 400);
    }
  }
  return qs.parse(text, { depth: 4, parameterLimit: 1_000, arrayLimit: 100 });
}

/**
 * Mailchimp audience webhooks: the validator's GET is answered 200; a POST of a member event
 * becomes a `members` record (consent changes included); campaign and unknown events, and events
 * of another audience, are ignored. The URL's secret is checked first (`WEBHOOK_AUTH`).
 */
export async function handleWebhook(
  ctx: { settings: MailchimpSettings; credentials: { webhookSecret?: string } },
  req: WebhookRequest,
): Promise<WebhookOutcome[]> {
  // Mailchimp checks the URL with a GET (User-Agent "MailChimp.com WebHook Validator") on save.
  if (req.method === 'GET') return [{ kind: 'respond', status: 200, body: 'ok' }];
  if (req.method !== 'POST') throw new PermanentError(`method ${req.method} is not accepted`, 405);
  const form = formOf(req);
  const type = (form as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !type)
    throw new PermanentError('webhook has no type', 400, 'type');
  if (!MEMBER_EVENTS.has(type)) return [{ kind: 'ignore' }];
  const event = parseEvent(form);
  if (event.data.list_id !== ctx.settings.listId) return [{ kind: 'ignore' }];
  return [
    {
      kind: 'records',
      stream: 'members',
      records: [memberOfEvent(event, ctx.settings.webhookTimeZone)],
    },
  ];
}
