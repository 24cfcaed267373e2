import { defineConnector } from '../../src/sdk/connector.ts';
import { campaignsStream } from './campaigns-stream.ts';
import { createMailchimpClient } from './client.ts';
import { mailchimpErrors } from './errors.ts';
import { MEMBERS_PER_WRITE, REQUESTS_PER_SECOND } from './limits.ts';
import { membersStream } from './members-stream.ts';
import { writeMembers } from './members-sink.ts';
import { sentMember } from './member-write.ts';
import { MailchimpCredentials, MailchimpSettings } from './settings.ts';
import { touchpointsStream } from './touchpoints-stream.ts';
import { handleWebhook, WEBHOOK_AUTH } from './webhook.ts';
import { authenticatedWebhook } from '../../src/sdk/webhook-auth.ts';

/**
 * Mailchimp Marketing API 3.0, both ways, for one audience: members read incrementally and
 * updated by subscriber hash with lifecycle tags (only members already on it: never added) (per member or, for large writes, as batch
 * operations), campaign email activity read as touchpoints, the campaigns (their names for
 * reports), and audience webhooks (form-encoded,
 * authenticated by a secret in the URL) turned into member records, unsubscribes included.
 * Never more than 10 calls in flight per account (Mailchimp's simultaneous-connection cap).
 */
export default defineConnector({
  id: 'mailchimp',
  name: 'Mailchimp',
  settings: MailchimpSettings,
  credentials: MailchimpCredentials,
  limits: (s) => ({
    requestsPerSecond: REQUESTS_PER_SECOND,
    burst: REQUESTS_PER_SECOND,
    batchSize: MEMBERS_PER_WRITE,
    concurrency: s.maxConnections,
  }),
  client: createMailchimpClient,
  errors: mailchimpErrors,
  check: async (ctx) => {
    await ctx.http.get(`/lists/${encodeURIComponent(ctx.settings.listId)}`, {
      params: { fields: 'id,name' },
      signal: ctx.signal,
    });
  },
  streams: {
    members: membersStream,
    touchpoints: touchpointsStream,
    campaigns: campaignsStream,
  },
  sinks: {
    members: {
      description:
        'Updates members already on the audience and sets their lifecycle tags (never adds anyone)',
      write: writeMembers,
      sent: sentMember,
      // A member is named by the MD5 of its email: a customer without one is on no list.
      addressedBy: { field: 'email', skipped: 'noEmail' },
      batchSize: MEMBERS_PER_WRITE,
    },
  },
  webhook: authenticatedWebhook(WEBHOOK_AUTH, handleWebhook),
});
