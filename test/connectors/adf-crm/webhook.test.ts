import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import adf from '../../../connectors/adf-crm/index.ts';
import type { WebhookRequest } from '../../../src/sdk/connector.ts';
import { AuthError, PermanentError } from '../../../src/sdk/errors.ts';
import { contextOf } from '../meta/support.ts';

const TOKEN = 'whk-2c9d1e7f4a6b8c0d';
const xml = readFileSync('connectors/adf-crm/fixtures/vendor-uppercase-bom.xml');
const ctx = (creds: Record<string, unknown> = { webhookToken: TOKEN }) =>
  contextOf(
    adf,
    { leadIntakeUrl: 'https://crm.example.com/adf', vendor: { name: 'Acme', phone: '5125550000' } },
    creds,
  );
const req = (over: Partial<WebhookRequest> = {}): WebhookRequest => ({
  method: 'POST',
  headers: { 'content-type': 'text/xml' },
  query: {},
  rawBody: xml,
  ...over,
});
const handle = (r: WebhookRequest, c = ctx()) => adf.webhook!.handle(c, r);

describe('adf-crm webhook', () => {
  it.each([
    ['the X-DealerLoop-Token header', { headers: { 'x-dealerloop-token': TOKEN } }],
    ['a Bearer token', { headers: { authorization: `Bearer ${TOKEN}` } }],
    ['?token= in the URL', { query: { token: TOKEN } }],
  ])('takes a posted ADF document with %s as leads records', async (_how, over) => {
    const [outcome] = await handle(req(over));
    expect(outcome).toMatchObject({ kind: 'records', stream: 'leads' });
    const records = (outcome as { records: Record<string, unknown>[] }).records;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      prospect: { id: [{ '@source': 'CarsDirect', '#text': 'CD-88213407' }] },
    });
  });

  it('refuses a wrong or missing token, and any post when no token is configured', async () => {
    await expect(handle(req({ query: { token: `${TOKEN}x` } }))).rejects.toBeInstanceOf(AuthError);
    await expect(handle(req())).rejects.toBeInstanceOf(AuthError);
    await expect(handle(req({ query: { token: TOKEN } }), ctx({}))).rejects.toThrow(
      /no webhookToken/,
    );
  });

  it('refuses a malformed document as a bad payload', async () => {
    const bad = req({ query: { token: TOKEN }, rawBody: Buffer.from('<adf><prospect>') });
    await expect(handle(bad)).rejects.toBeInstanceOf(PermanentError);
  });

  it('has a push-only leads stream that reads nothing and keeps its cursor', async () => {
    const page = await adf.streams!.leads!.read(ctx(), 'c-1');
    expect(page).toEqual({ records: [], nextCursor: 'c-1', hasMore: false });
  });
});
