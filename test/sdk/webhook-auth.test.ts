import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { WebhookRequest } from '../../src/sdk/connector.ts';
import { AuthError } from '../../src/sdk/errors.ts';
import {
  authenticatedWebhook,
  verifyWebhook,
  type WebhookAuth,
} from '../../src/sdk/webhook-auth.ts';

type Creds = { key?: string };
const body = Buffer.from('{"x":"é"}');
const req = (p: Partial<WebhookRequest> = {}): WebhookRequest => ({
  method: 'POST',
  headers: {},
  query: {},
  rawBody: body,
  ...p,
});
const hmac: WebhookAuth<Creds> = {
  kind: 'hmac',
  secret: 'key',
  header: 'X-Sig',
  algorithm: 'sha256',
  prefix: 'sha256=',
};
const sig = (key: string, enc: 'hex' | 'base64' = 'hex', algo = 'sha256') =>
  createHmac(algo, key).update(body).digest(enc);

describe('declared webhook auth', () => {
  it('hmac: accepts the prefixed digest of the raw body under the lower-cased header name only', () => {
    expect(() =>
      verifyWebhook(hmac, { key: 'k' }, req({ headers: { 'x-sig': `sha256=${sig('k')}` } })),
    ).not.toThrow();
    for (const given of [sig('k'), `sha256=${sig('other')}`, `sha256=${sig('k', 'base64')}`, ''])
      expect(() => verifyWebhook(hmac, { key: 'k' }, req({ headers: { 'x-sig': given } }))).toThrow(
        /missing or bad X-Sig/,
      );
  });

  it('hmac: honours algorithm and encoding', () => {
    const b64: WebhookAuth<Creds> = { ...hmac, algorithm: 'sha1', prefix: '', encoding: 'base64' };
    const good = req({ headers: { 'x-sig': sig('k', 'base64', 'sha1') } });
    expect(() => verifyWebhook(b64, { key: 'k' }, good)).not.toThrow();
    expect(() => verifyWebhook(hmac, { key: 'k' }, good)).toThrow(AuthError);
  });

  it('refuses every delivery when the connection has no secret, naming the credential', () => {
    expect(() => verifyWebhook<Creds>(hmac, {}, req())).toThrow(/no key; webhooks are refused/);
    expect(() => verifyWebhook(hmac, { key: '' }, req())).toThrow(AuthError);
  });

  it('token: found in the first place that has one (header, bearer, query)', () => {
    const token: WebhookAuth<Creds> = {
      kind: 'token',
      secret: 'key',
      from: [{ header: 'X-Token' }, { bearer: true }, { query: 'token' }],
    };
    const ok = [
      req({ headers: { 'x-token': 's3' } }),
      req({ headers: { authorization: 'Bearer s3' } }),
      req({ query: { token: 's3' } }),
    ];
    for (const r of ok) expect(() => verifyWebhook(token, { key: 's3' }, r)).not.toThrow();
    const bad = [
      req(),
      req({ query: { token: 's3x' } }),
      req({ headers: { authorization: 's3' } }),
    ];
    for (const r of bad)
      expect(() => verifyWebhook(token, { key: 's3' }, r)).toThrow(/missing or wrong token/);
  });

  it('leaves the methods the connector authenticates itself to the connector', async () => {
    const calls: string[] = [];
    const hook = authenticatedWebhook<unknown, Creds>(
      { ...hmac, exceptMethods: ['GET'] },
      async (_c, r) => {
        calls.push(r.method);
        return [{ kind: 'ignore' }];
      },
    );
    const ctx = { credentials: { key: 'k' } } as Parameters<typeof hook.handle>[0];
    await expect(hook.handle(ctx, req({ method: 'GET' }))).resolves.toEqual([{ kind: 'ignore' }]);
    await expect(hook.handle(ctx, req())).rejects.toBeInstanceOf(AuthError);
    expect(calls).toEqual(['GET']);
    expect(hook.auth?.kind).toBe('hmac');
  });
});
