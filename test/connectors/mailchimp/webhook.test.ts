import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { subscriberHash } from '../../../connectors/mailchimp/hash.ts';
import mailchimpConnector from '../../../connectors/mailchimp/index.ts';
import type { WebhookRequest } from '../../../src/sdk/connector.ts';
import { AuthError, PermanentError } from '../../../src/sdk/errors.ts';
import { DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import { context, fixtureText, SECRET } from './support.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailChimp.com' };

function delivery(
  body: string,
  query: Record<string, string> = { secret: SECRET },
  method = 'POST',
): WebhookRequest {
  return { method, headers: FORM, query, rawBody: Buffer.from(body) };
}
const handle = (req: WebhookRequest, settings: Record<string, unknown> = {}) =>
  mailchimpConnector.webhook!.handle(context(settings), req);
const recordOf = async (name: string, settings: Record<string, unknown> = {}) => {
  const [outcome] = await handle(delivery(fixtureText(name)), settings);
  if (outcome?.kind !== 'records') throw new Error(`expected records, got ${outcome?.kind}`);
  expect(outcome.stream).toBe('members');
  return outcome.records[0]!;
};

describe('webhook authenticity', () => {
  it('answers the GET validator with 200', async () => {
    const req = delivery('', { secret: SECRET }, 'GET');
    req.headers['user-agent'] = 'MailChimp.com WebHook Validator';
    expect(await handle(req)).toEqual([{ kind: 'respond', status: 200, body: 'ok' }]);
  });

  it('refuses a missing or wrong secret, on the validator GET and on deliveries', async () => {
    const body = fixtureText('webhook-unsubscribe.form');
    const queries: Record<string, string>[] = [
      {},
      { secret: 'whsec-mc-0123456789abcdeX' },
      { secret: SECRET + 'x' },
    ];
    for (const query of queries) {
      await expect(handle(delivery(body, query))).rejects.toThrow(AuthError);
      await expect(handle(delivery('', query, 'GET'))).rejects.toThrow(AuthError);
    }
  });

  it('refuses every delivery when the connection has no webhook secret', async () => {
    const ctx = context();
    const noSecret = { ...ctx, credentials: { apiKey: ctx.credentials.apiKey } };
    await expect(
      mailchimpConnector.webhook!.handle(noSecret, delivery('type=subscribe')),
    ).rejects.toThrow(/no webhookSecret/);
  });
});

describe('webhook events', () => {
  it('turns an unsubscribe into a member record with the unsubscribed status', async () => {
    expect(await recordOf('webhook-unsubscribe.form')).toEqual({
      id: subscriberHash('jane.doe@example.com'),
      email_address: 'jane.doe@example.com',
      status: 'unsubscribed',
      list_id: 'a1b2c3d4e5',
      last_changed: '2026-11-22T18:45:12Z',
      event: 'unsubscribe',
      reason: 'manual',
      campaign_id: '42694e9e57',
    });
  });

  it('reads a deletion as archived and a cleaned address as cleaned', async () => {
    expect(await recordOf('webhook-unsubscribe-delete.form')).toMatchObject({
      email_address: 'sam.lee@example.com',
      status: 'archived',
    });
    expect(await recordOf('webhook-cleaned.form')).toMatchObject({
      id: subscriberHash('pat.kim@example.com'),
      status: 'cleaned',
      reason: 'hard',
    });
  });

  it('parses bracket keys of subscribe and profile into merge fields (EMAIL left out)', async () => {
    const sub = await recordOf('webhook-subscribe.form');
    expect(sub).toMatchObject({
      // data[id] is the short unique id; the record key is the hash of the address.
      id: subscriberHash('jane.doe@example.com'),
      unique_email_id: '8a25ff1d98',
      email_address: 'Jane.Doe@Example.com',
      status: 'subscribed',
      merge_fields: {
        FNAME: 'Jane',
        LNAME: 'Doe',
        PHONE: '(512) 555-0142',
        INTERESTS: 'Trucks, Service',
      },
    });
    expect(sub.merge_fields).not.toHaveProperty('EMAIL');
    const profile = await recordOf('webhook-profile.form');
    expect(profile).not.toHaveProperty('status');
    expect(profile.merge_fields).toMatchObject({
      FNAME: 'Janet',
      ADDRESS: { addr1: '1200 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' },
    });
  });

  it('keeps an email change under the old subscriber hash, the key the hub linked', async () => {
    expect(await recordOf('webhook-upemail.form')).toMatchObject({
      id: subscriberHash('jane.doe@example.com'),
      email_address: 'jane.doe@newmail.example',
      previous_email_address: 'jane.doe@example.com',
    });
  });

  it('reads fired_at in the configured zone', async () => {
    const r = await recordOf('webhook-unsubscribe.form', { webhookTimeZone: 'America/Chicago' });
    expect(r.last_changed).toBe('2026-11-23T00:45:12Z');
  });

  it('ignores campaign events, unknown types and other audiences', async () => {
    expect(await handle(delivery(fixtureText('webhook-campaign.form')))).toEqual([
      { kind: 'ignore' },
    ]);
    expect(await handle(delivery('type=something_new&fired_at=2026-11-20+10%3A00%3A00'))).toEqual([
      { kind: 'ignore' },
    ]);
    const other = fixtureText('webhook-unsubscribe.form').replace('a1b2c3d4e5', 'ffffffffff');
    expect(await handle(delivery(other))).toEqual([{ kind: 'ignore' }]);
  });

  it('refuses malformed deliveries as permanent (400), naming the field', async () => {
    await expect(handle(delivery(''))).rejects.toThrow(PermanentError);
    await expect(
      handle(delivery('type=unsubscribe&fired_at=2026-11-22+18%3A45%3A12')),
    ).rejects.toThrow(/webhook: data /);
    const noEmail = fixtureText('webhook-cleaned.form').replace(/&data%5Bemail%5D=[^&]*/, '');
    await expect(handle(delivery(noEmail))).rejects.toThrow(/data\.email/);
    const badTime = fixtureText('webhook-cleaned.form').replace(/fired_at=[^&]*/, 'fired_at=soon');
    await expect(handle(delivery(badTime))).rejects.toThrow(/fired_at/);
    const json = { ...delivery('{"type":'), headers: { 'content-type': 'application/json' } };
    await expect(handle(json)).rejects.toThrow(/not JSON/);
  });
});

describe('webhook records through the members mapping', () => {
  const mappings = new DirectoryMappingSource(join(import.meta.dirname, '../../../mappings'));

  it('maps unsubscribe, deletion and cleaned to the canonical email status', async () => {
    const m = await mappings.get('mailchimp-members');
    const status = async (name: string) => m.in(await recordOf(name)).value.emailStatus;
    expect(await status('webhook-unsubscribe.form')).toBe('unsubscribed');
    expect(await status('webhook-unsubscribe-delete.form')).toBe('unsubscribed');
    expect(await status('webhook-cleaned.form')).toBe('cleaned');
    expect(await status('webhook-subscribe.form')).toBe('subscribed');
    const unsub = m.in(await recordOf('webhook-unsubscribe.form'));
    expect(unsub.fatal).toEqual([]);
    expect(m.recordKey(await recordOf('webhook-unsubscribe.form'))).toBe(
      subscriberHash('jane.doe@example.com'),
    );
    expect(m.changedAt(unsub.value)).toBe(Date.parse('2026-11-22T18:45:12Z'));
    expect(m.owners.get('emailStatus')).toBe('mailchimp');
  });
});
