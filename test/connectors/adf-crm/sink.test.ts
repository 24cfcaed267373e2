import nock from 'nock';
import { describe, expect, it } from 'vitest';

import adf from '../../../connectors/adf-crm/index.ts';
import { validateAdf } from '../../../connectors/adf-crm/validate.ts';
import type { SinkItem } from '../../../src/sdk/connector.ts';
import { AuthError, RetryableError } from '../../../src/sdk/errors.ts';
import { asEngine, contextOf, shippedMapping, useNock } from '../meta/support.ts';
import { metaLead } from '../meta/hub-lead.ts';

const CRM = 'https://crm.example.com';
const settings = (extra: Record<string, unknown> = {}) => ({
  leadIntakeUrl: `${CRM}/leads/adf?dealer=4471`,
  vendor: { name: 'Acme Honda of Austin', email: 'leads@acmehonda.example' },
  ...extra,
});
const ctx = (extra: Record<string, unknown> = {}, creds: Record<string, unknown> = {}) =>
  contextOf(adf, settings(extra) as never, creds);
const sink = adf.sinks!.leads!;
const intake = () => nock(CRM).post('/leads/adf').query({ dealer: '4471' });

async function items(n: number, patch: (i: number) => Record<string, unknown> = () => ({})) {
  const m = await shippedMapping('adf-lead');
  return Array.from({ length: n }, (_, i): SinkItem => ({
    canonicalId: `lead_${i + 1}`,
    destinationId: null,
    idempotencyKey: `key-${i + 1}`,
    record: m.out({ ...metaLead, id: `lead_${i + 1}`, ...patch(i) }).value!,
  }));
}

useNock({ allPending: true });

describe('adf-crm leads sink', () => {
  it('POSTs one valid ADF document per lead with basic auth and an idempotency key', async () => {
    const bodies: string[] = [];
    intake()
      .basicAuth({ user: 'dealerloop', pass: 's3cret-pass' })
      .matchHeader('content-type', 'application/xml; charset=utf-8')
      .matchHeader('idempotency-key', 'key-1')
      .reply(200, (_uri, body) => (bodies.push(body as string), '<result>OK</result>'));
    const c = ctx({ auth: { type: 'basic' } }, { username: 'dealerloop', password: 's3cret-pass' });
    const results = await sink.write(c, await items(1));
    expect(results).toEqual([{ ok: true, destinationId: 'lead_1' }]);
    expect(bodies).toHaveLength(1);
    expect(validateAdf(bodies[0]!)).toEqual([]);
    expect(bodies[0]).toContain('<id sequence="1" source="DealerLoop">lead_1</id>');
    expect(bodies[0]).toContain('Campaign: Q4 Civic Test Drive (id 120215834455660471)');
  });

  it('sends a header token verbatim, and the configured content type', async () => {
    intake()
      .matchHeader('x-api-key', 'tok-9f8e7d6c')
      .matchHeader('content-type', 'text/xml; charset=utf-8')
      .reply(202);
    const c = ctx(
      { auth: { type: 'header', header: 'X-Api-Key' }, contentType: 'text/xml' },
      { token: 'tok-9f8e7d6c' },
    );
    expect(await sink.write(c, await items(1))).toEqual([{ ok: true, destinationId: 'lead_1' }]);
  });

  it('refuses to send without the credentials its auth needs', async () => {
    const c = ctx({ auth: { type: 'basic' } }, { username: 'dealerloop' });
    await expect(sink.write(c, await items(1))).rejects.toThrow(/needs the username and password/);
  });

  it('skips a lead already delivered, or resends it marked resend', async () => {
    const [item] = await items(1);
    const delivered = { ...item!, destinationId: 'lead_1' };
    expect(await sink.write(ctx(), [delivered])).toEqual([{ ok: true, destinationId: 'lead_1' }]);
    let body = '';
    intake().reply(200, (_u, b) => ((body = b as string), 'OK'));
    expect(await sink.write(ctx({ updates: 'resend' }), [delivered])).toEqual([
      { ok: true, destinationId: 'lead_1' },
    ]);
    expect(body).toContain('<prospect status="resend">');
  });

  it('fails leads alone: one refused by the CRM, one that cannot make a valid document', async () => {
    intake().reply(200, 'OK');
    intake().reply(422, { error: 'dealer code unknown' });
    const batch = await items(3, (i) =>
      i === 2 ? { customer: { firstName: 'No', lastName: 'Contact' } } : {},
    );
    const results = await sink.write(ctx(), batch);
    expect(results).toEqual([
      { ok: true, destinationId: 'lead_1' },
      {
        ok: false,
        retryable: false,
        reason: expect.stringMatching(/answered 422.*dealer code unknown/),
      },
      {
        ok: false,
        retryable: false,
        reason: expect.stringMatching(/neither email nor phone/),
        field: 'customer',
      },
    ]);
  });

  it('throws a throttle before anything was delivered, reports it per lead after', async () => {
    intake().reply(429, 'slow down', { 'retry-after': '3' });
    const err = await sink.write(ctx(), await items(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).retryAfterMs).toBe(3000);

    intake().reply(200, 'OK');
    intake().reply(503, 'maintenance');
    expect(await sink.write(ctx(), await items(3))).toEqual([
      { ok: true, destinationId: 'lead_1' },
      { ok: false, retryable: true, reason: expect.stringMatching(/answered 503/) },
      { ok: false, retryable: true, reason: 'not sent: an earlier lead of the batch failed' },
    ]);
  });

  it('is retried by the engine after a 429 and delivers exactly once', async () => {
    const scope = intake()
      .reply(429, 'slow down', { 'retry-after': '1' })
      .post('/leads/adf')
      .query(true)
      .reply(200, 'OK');
    const waits: number[] = [];
    const results = await asEngine(adf, async () => sink.write(ctx(), await items(1)), waits);
    expect(results).toEqual([{ ok: true, destinationId: 'lead_1' }]);
    expect(waits).toEqual([1000]);
    expect(scope.isDone()).toBe(true);
  });

  it('stops on refused credentials: an auth error for the whole batch', async () => {
    intake().reply(401, 'bad credentials');
    const c = ctx({ auth: { type: 'basic' } }, { username: 'dealerloop', password: 'expired' });
    await expect(sink.write(c, await items(2))).rejects.toBeInstanceOf(AuthError);
  });
});
