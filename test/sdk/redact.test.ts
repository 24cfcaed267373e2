import { createServer } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyHttpError, createHttpClient } from '../../src/sdk/http.ts';
import { redactText, REDACTED } from '../../src/sdk/redact.ts';
import { closeServer, listenLoopback } from '../../src/sandbox/loopback.ts';

const TOKEN = 'EAAGm0PX4ZCpsBA-secret-graph-token';
const API_KEY = 'mc-key-0123456789abcdef-us21';

// A vendor that echoes everything it was sent (URL, auth header) into its error body, as a Graph
// host did in the field.
const echo = createServer((req, res) => {
  res.writeHead(400, { 'content-type': 'application/json', 'set-cookie': `s=${TOKEN}` });
  res.end(
    JSON.stringify({
      error: {
        code: 190,
        message: `Invalid OAuth access token for ${req.url} (auth ${req.headers.authorization})`,
        access_token: TOKEN,
      },
    }),
  );
});
let url = '';
beforeAll(async () => (url = await listenLoopback(echo)));
afterAll(() => closeServer(echo));

/** Everything a failed call leaves behind that could reach a message, a log or a report. */
async function failedCall(client: ReturnType<typeof createHttpClient>, path: string) {
  const err: unknown = await client.get(path).catch((e: unknown) => e);
  const classified = classifyHttpError(err);
  return { err, classified, all: JSON.stringify([err, String(err), classified.message]) };
}

describe('vendor errors are redacted at the HTTP client', () => {
  it('scrubs a token sent as a query parameter and echoed in the body', async () => {
    const client = createHttpClient({ baseURL: url, params: { access_token: TOKEN } });
    const { classified, all } = await failedCall(client, `/v21.0/me?fields=id&token2=${TOKEN}`);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(encodeURIComponent(TOKEN));
    expect(classified.message).toContain('answered 400');
    expect(classified.message).toContain('"code":190');
    expect(classified.message).toContain(REDACTED);
  });

  it('scrubs Authorization values (bearer and basic) and keeps the vendor code', async () => {
    const bearer = createHttpClient({
      baseURL: url,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const basic = createHttpClient({ baseURL: url, auth: { username: 'dl', password: API_KEY } });
    for (const [client, secret] of [
      [bearer, TOKEN],
      [basic, API_KEY],
    ] as const) {
      const { classified, all } = await failedCall(client, '/lists');
      expect(all).not.toContain(secret);
      expect(all).not.toContain(Buffer.from(`dl:${API_KEY}`).toString('base64'));
      expect(classified.message).toContain('"code":190');
    }
  });

  it('generic shapes are scrubbed from free text', () => {
    expect(redactText('GET https://h/x?access_token=abc123def&b=2 failed')).toBe(
      `GET https://h/x?${REDACTED} failed`,
    );
    expect(redactText('auth Bearer abc.def-ghi')).toBe(`auth Bearer ${REDACTED}`);
    expect(redactText('The OAuth token used expired')).toBe('The OAuth token used expired');
    expect(redactText('{"api_key":"k-123456"}')).toBe(`{"api_key":"${REDACTED}"}`);
    expect(redactText('plain text, no secret? none')).toBe('plain text, no secret? none');
  });
});
