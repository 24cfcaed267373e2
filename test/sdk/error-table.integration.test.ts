import type { IncomingMessage, ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { cursorCodec } from '../../src/sdk/cursor.ts';
import { classifierOf, RETRY_AFTER, type ErrorTable } from '../../src/sdk/error-table.ts';
import { AuthError, FatalError, PermanentError, RetryableError } from '../../src/sdk/errors.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { LoopbackServer } from '../../src/sandbox/loopback.ts';

/** Answers `GET /answer?status=&body=&h.<name>=`: the status, JSON body and headers asked for. */
class AnswerFake extends LoopbackServer {
  calls = 0;
  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls++;
    const url = new URL(req.url ?? '/', this.url);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of url.searchParams) if (k.startsWith('h.')) headers[k.slice(2)] = v;
    res
      .writeHead(Number(url.searchParams.get('status') ?? 200), headers)
      .end(url.searchParams.get('body') ?? '{}');
  }
}

/** A made-up vendor's table, one row of each kind and wait source. */
const table: ErrorTable = {
  codes: ['error.code'],
  field: 'error.field',
  describe: (a) =>
    `Acme ${a.status}: ${String((a.body as { error?: { message?: string } }).error?.message)}`,
  rules: [
    { code: ['THROTTLED'], kind: 'retryable', wait: [RETRY_AFTER, { fixedMs: 5_000 }] },
    { code: 'QUOTA', kind: 'retryable', wait: [{ body: 'error.retry_in', unit: 's' }] },
    {
      code: 'USAGE',
      kind: 'retryable',
      wait: [
        { header: 'x-usage', json: '*.*.wait_minutes', unit: 'min' },
        { header: 'x-reset-ms', unit: 'ms' },
      ],
      waitOf: 'longest',
    },
    {
      code: { min: 9000, max: 9099 },
      kind: 'retryable',
      wait: [{ body: 'error.delay', unit: 'duration' }],
    },
    { status: 423, kind: 'retryable', wait: [{ fixedMs: 2_000 }] },
    { code: 'TOKEN_EXPIRED', kind: 'auth' },
    { status: 403, body: { path: 'error.message', matches: /disabled/i }, kind: 'auth' },
    { code: 'NO_ACCOUNT', kind: 'fatal' },
    { hasCode: true, status: 400, kind: 'per-record' },
  ],
};
const classify = classifierOf(table);

let fake: AnswerFake;
let http: ReturnType<typeof httpClientOf>;
beforeAll(async () => {
  fake = await new AnswerFake().start();
  http = httpClientOf({ baseUrl: fake.url, auth: { kind: 'bearer', token: 'secret-token-0123' } });
});
afterAll(() => fake.stop());

/** The classified failure of one real call answered with `status`, `error` and `headers`. */
async function failure(status: number, error?: object, headers: Record<string, string> = {}) {
  const params: Record<string, string> = { status: String(status) };
  if (error) params.body = JSON.stringify({ error });
  for (const [k, v] of Object.entries(headers)) params[`h.${k}`] = v;
  const err = await http.get('/answer', { params }).catch((e: unknown) => e);
  return classify(err);
}

describe('a declared error table, against a loopback server', () => {
  it('retryable rows take their wait from Retry-After, else the next source', async () => {
    const e = await failure(
      400,
      { code: 'THROTTLED', message: 'slow down' },
      { 'retry-after': '7' },
    );
    expect(e).toBeInstanceOf(RetryableError);
    expect(e).toMatchObject({ retryAfterMs: 7_000, status: 400, message: 'Acme 400: slow down' });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const dated = await failure(429, { code: 'THROTTLED' }, { 'retry-after': date });
    expect((dated as RetryableError).retryAfterMs).toBeGreaterThan(50_000);
    expect(await failure(400, { code: 'THROTTLED' })).toMatchObject({ retryAfterMs: 5_000 });
  });

  it('waits from a body field, a JSON header (the longest) and a protobuf duration', async () => {
    expect(await failure(400, { code: 'QUOTA', retry_in: 30 })).toMatchObject({
      retryAfterMs: 30_000,
    });
    const usage = JSON.stringify({ acct: [{ wait_minutes: 2 }, { wait_minutes: 0 }] });
    expect(
      await failure(400, { code: 'USAGE' }, { 'x-usage': usage, 'x-reset-ms': '1500' }),
    ).toMatchObject({ retryAfterMs: 120_000 });
    expect(await failure(400, { code: 'USAGE' }, { 'x-usage': 'not json' })).toMatchObject({
      retryAfterMs: null,
    });
    expect(await failure(400, { code: 9042, delay: '40591s' })).toMatchObject({
      retryAfterMs: 40_591_000,
    });
    expect(await failure(423)).toMatchObject({ retryAfterMs: 2_000, status: 423 });
  });

  it('auth rows by code and by status plus body text; fatal and per-record rows', async () => {
    expect(await failure(401, { code: 'TOKEN_EXPIRED' })).toBeInstanceOf(AuthError);
    expect(await failure(403, { message: 'User Disabled' })).toBeInstanceOf(AuthError);
    const fatal = await failure(400, { code: 'NO_ACCOUNT', message: 'no such account' });
    expect(fatal).toBeInstanceOf(FatalError);
    const bad = await failure(400, { code: 'INVALID', field: 'email', message: 'bad email' });
    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad).not.toBeInstanceOf(FatalError);
    expect(bad).toMatchObject({ field: 'email', message: 'Acme 400: bad email' });
  });

  it('what no row matches gets the SDK default, and no message carries the token', async () => {
    expect(await failure(503)).toBeInstanceOf(RetryableError);
    expect(await failure(403)).toBeInstanceOf(AuthError);
    expect(await failure(404)).toBeInstanceOf(PermanentError);
    const down = await classify(
      await httpClientOf({ baseUrl: 'http://127.0.0.1:1', auth: { kind: 'none' } })
        .get('/')
        .catch((e: unknown) => e),
    );
    expect(down).toBeInstanceOf(RetryableError);
    expect(JSON.stringify((await failure(400, { code: 'INVALID' })).message)).not.toContain(
      'secret-token',
    );
  });
});

describe('declared rate-limit headers pace the client', () => {
  it('holds the next request until the window resets, and refuses a spent day at once', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      const paced = httpClientOf({
        baseUrl: fake.url,
        auth: { kind: 'none' },
        rateLimit: {
          vendor: 'Acme',
          remaining: 'x-left',
          reset: { header: 'x-reset', unit: 's' },
          windowMs: 10_000,
          daily: { remaining: 'x-day-left', waitMs: 3_600_000 },
        },
      });
      fake.calls = 0;
      await paced.get('/answer', { params: { 'h.x-left': '0', 'h.x-reset': '2' } });
      let done = false;
      const second = paced.get('/answer').then(() => (done = true));
      await vi.advanceTimersByTimeAsync(1_990);
      expect([fake.calls, done]).toEqual([1, false]); // still inside the window
      await vi.advanceTimersByTimeAsync(20);
      await second;
      expect(fake.calls).toBe(2);
      await paced.get('/answer', { params: { 'h.x-day-left': '0' } });
      const refused = await paced.get('/answer').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RetryableError);
      expect(refused).toMatchObject({ retryAfterMs: 3_600_000 });
      expect(fake.calls).toBe(3); // the refused call never reached the vendor
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a declared cursor schema', () => {
  const codec = cursorCodec(
    z.object({ since: z.iso.datetime(), page: z.object({ after: z.string() }).optional() }),
    'acme contacts',
  );

  it('round-trips, and names the bad field of a stored cursor on resume', () => {
    const c = { since: '2026-11-01T10:00:00Z', page: { after: 'abc' } };
    expect(codec.decode(codec.encode(c))).toEqual(c);
    expect(codec.decode(null)).toBeNull();
    expect(() => codec.decode('{"since":"2026-11-01T10:00:00Z","page":{"after":3}}')).toThrow(
      /acme contacts: the stored cursor is bad: field "page.after"/,
    );
    expect(() => codec.decode('not json')).toThrow(/acme contacts: the stored cursor is not JSON/);
    expect(() => codec.encode({ since: 'yesterday' })).toThrow(/refusing to save a bad cursor/);
  });
});
