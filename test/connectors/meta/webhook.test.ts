import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import meta from '../../../connectors/meta/index.ts';
import type { WebhookRequest } from '../../../src/sdk/connector.ts';
import { AuthError, PermanentError } from '../../../src/sdk/errors.ts';
import { contextOf } from './support.ts';

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const fixture = readFileSync('connectors/meta/fixtures/leadgen-webhook.json', 'utf8');
const ctx = (settings: Record<string, unknown> = {}, creds: Record<string, unknown> = {}) =>
  contextOf(
    meta,
    { pageId: '104853122299871', ...settings },
    {
      accessToken: 'EAAG-page-token-0123456789',
      appSecret: APP_SECRET,
      verifyToken: 'dl-verify-7f3a',
      ...creds,
    },
  );
const sign = (body: string | Buffer, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const post = (body: string | Buffer, signature?: string): WebhookRequest => ({
  method: 'POST',
  headers: signature === undefined ? {} : { 'x-hub-signature-256': signature },
  query: {},
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
});
const handle = (req: WebhookRequest, c = ctx()) => meta.webhook!.handle(c, req);

describe('meta webhook: verification handshake', () => {
  const get = (query: Record<string, string>) => ({
    method: 'GET',
    headers: {},
    query,
    rawBody: Buffer.alloc(0),
  });

  it('answers 200 with the raw hub.challenge when the verify token matches', async () => {
    const out = await handle(
      get({
        'hub.mode': 'subscribe',
        'hub.challenge': '1158201444',
        'hub.verify_token': 'dl-verify-7f3a',
      }),
    );
    expect(out).toEqual([
      { kind: 'respond', status: 200, body: '1158201444', contentType: 'text/plain' },
    ]);
  });

  it('refuses a wrong or missing verify token as an auth error', async () => {
    const bad = get({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': 'nope' });
    await expect(handle(bad)).rejects.toBeInstanceOf(AuthError);
    const noToken = ctx({}, { verifyToken: undefined });
    await expect(
      handle(
        get({ 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': '' }),
        noToken,
      ),
    ).rejects.toThrow(/no verifyToken/);
  });

  it('refuses a GET that is not a subscribe handshake as malformed', async () => {
    await expect(handle(get({ 'hub.mode': 'unsubscribe' }))).rejects.toBeInstanceOf(PermanentError);
  });
});

/** What the fixture's notification asks for: its one lead, read by leadgen id. */
const ANNOUNCED = { kind: 'fetch', stream: 'leads', ids: ['1327461758824197'] };

describe('meta webhook: leadgen notifications', () => {
  it('turns a signed leadgen notification into a fetch of the announced lead by its id', async () => {
    expect(await handle(post(fixture, sign(fixture)))).toEqual([ANNOUNCED]);
  });

  it('fetches every lead of a batched delivery once, ids given as numbers or strings', async () => {
    const batched = readFileSync('test/fixtures/meta/leadgen-webhook-batched.json', 'utf8');
    expect(await handle(post(batched, sign(batched)))).toEqual([
      { kind: 'fetch', stream: 'leads', ids: ['2049913377561208', '1958470021734552'] },
    ]);
  });

  it('checks the signature over the raw bytes, not re-serialized JSON', async () => {
    // Meta signs the escaped-unicode payload it sent; JSON.stringify(JSON.parse(raw)) differs.
    const raw = fixture.replace('"leadgen"', '"leadgen","note":"Jos\\u00e9"');
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(reserialized).not.toBe(raw);
    expect(await handle(post(raw, sign(raw)))).toEqual([ANNOUNCED]);
    await expect(handle(post(raw, sign(reserialized)))).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses a bad, missing or wrongly keyed signature as an auth error', async () => {
    await expect(handle(post(fixture, `sha256=${'0'.repeat(64)}`))).rejects.toThrow(
      /X-Hub-Signature-256/,
    );
    await expect(handle(post(fixture))).rejects.toBeInstanceOf(AuthError);
    await expect(
      handle(post(fixture, sign(fixture, 'another-app-secret-000'))),
    ).rejects.toBeInstanceOf(AuthError);
    const noSecret = ctx({}, { appSecret: undefined });
    await expect(handle(post(fixture, sign(fixture)), noSecret)).rejects.toThrow(/no appSecret/);
  });

  it('ignores leads of other Pages and changes of other fields', async () => {
    const otherPage = fixture.replaceAll('104853122299871', '999888777666555');
    expect(await handle(post(otherPage, sign(otherPage)))).toEqual([{ kind: 'ignore' }]);
    const feed = fixture.replace('"field": "leadgen"', '"field": "feed"');
    expect(await handle(post(feed, sign(feed)))).toEqual([{ kind: 'ignore' }]);
    // Without a pageId setting every Page's leads count.
    const anyPage = ctx({ pageId: undefined });
    expect(await handle(post(otherPage, sign(otherPage)), anyPage)).toEqual([ANNOUNCED]);
  });

  it('refuses a signed body that is not JSON, or a leadgen change without a leadgen_id', async () => {
    await expect(handle(post('{"object":', sign('{"object":')))).rejects.toThrow(/not JSON/);
    const noId = fixture.replace('"leadgen_id": "1327461758824197",', '');
    await expect(handle(post(noId, sign(noId)))).rejects.toThrow(/leadgen_id/);
    await expect(handle(post(noId, sign(noId)))).rejects.toBeInstanceOf(PermanentError);
  });
});
