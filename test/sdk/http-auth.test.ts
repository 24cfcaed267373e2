import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AuthError } from '../../src/sdk/errors.ts';
import { httpClientOf, type AuthSpec } from '../../src/sdk/http.ts';

let server: Server;
let base = '';
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** What one GET with this auth put on the wire. */
async function sent(auth: AuthSpec, extra: { params?: Record<string, string> } = {}) {
  seen.length = 0;
  await httpClientOf({ baseUrl: base, auth, headers: { 'x-fixed': '1' }, ...extra }).get('/p');
  return seen[0]!;
}

describe('declared HTTP auth', () => {
  it('signs each request as declared, beside the fixed headers and params', async () => {
    const basic = await sent({ kind: 'basic', username: 'u', password: 'p' });
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(basic.headers['x-fixed']).toBe('1');
    expect((await sent({ kind: 'bearer', token: 't0k' })).headers.authorization).toBe('Bearer t0k');
    expect(
      (await sent({ kind: 'api_key', header: 'X-Api-Key', value: 'k1' })).headers['x-api-key'],
    ).toBe('k1');
    const q = await sent(
      { kind: 'api_key', query: 'access_token', value: 'k2' },
      { params: { a: 'b' } },
    );
    expect(new URL(q.url, base).searchParams.get('access_token')).toBe('k2');
    expect(new URL(q.url, base).searchParams.get('a')).toBe('b');
    const none = await sent({ kind: 'none' });
    expect(none.headers.authorization).toBeUndefined();
  });

  it('refuses to send when the credentials lack what the auth needs, naming it', async () => {
    seen.length = 0;
    const cases: [AuthSpec, RegExp][] = [
      [
        { kind: 'basic', username: 'u', password: undefined },
        /basic auth needs the username and password/,
      ],
      [{ kind: 'bearer', token: undefined }, /bearer auth needs the token/],
      [{ kind: 'api_key', header: 'X-Key', value: '' }, /api_key auth needs the API key/],
    ];
    for (const [auth, why] of cases) {
      const call = httpClientOf({ baseUrl: base, auth }).get('/p');
      await expect(call).rejects.toBeInstanceOf(AuthError);
      await expect(call).rejects.toThrow(why);
    }
    expect(seen).toHaveLength(0);
  });
});
