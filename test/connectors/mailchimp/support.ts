import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import type { MailchimpContext } from '../../../connectors/mailchimp/call.ts';
import { createMailchimpClient } from '../../../connectors/mailchimp/client.ts';
import { MailchimpCredentials, MailchimpSettings } from '../../../connectors/mailchimp/settings.ts';

/** The data center of the test key, and so the API host the tests mock (docs/vendors.md fixture notes). */
export const HOST = 'https://us14.api.mailchimp.com';
/** A real-shaped API key of that data center. */
export const API_KEY = '0123456789abcdef0123456789abcdef-us14';
/** The audience of the tests. */
export const LIST = 'a1b2c3d4e5';
/** The webhook secret of the test connection. */
export const SECRET = 'whsec-mc-0123456789abcdef';

const FIXTURES = join(import.meta.dirname, '../../../connectors/mailchimp/fixtures');

/** A fixture of connectors/mailchimp/fixtures, as text. */
export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A JSON fixture of connectors/mailchimp/fixtures, parsed. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fixtureText(`${name}.json`)) as T;
}

/** A binary fixture. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

/** A connector context on the mocked host, settings and credentials parsed like a connection's. */
export function context(
  settings: Record<string, unknown> = {},
  signal = new AbortController().signal,
): MailchimpContext {
  const s = MailchimpSettings.parse({
    listId: LIST,
    batchPollMs: 0,
    itemRetryBaseMs: 0,
    ...settings,
  });
  const credentials = MailchimpCredentials.parse({ apiKey: API_KEY, webhookSecret: SECRET });
  return {
    tenantId: 'store-a',
    connectionId: 'conn-mc',
    settings: s,
    credentials,
    http: createMailchimpClient(s, credentials),
    log: pino({ level: 'silent' }),
    signal,
  };
}

/** The mocked Mailchimp API, with HTTP Basic auth (any user, the key as password) checked. */
export function mailchimp() {
  return nock(HOST, {
    reqheaders: {
      authorization: (v) =>
        Buffer.from(v.replace(/^Basic /, ''), 'base64')
          .toString('utf8')
          .endsWith(`:${API_KEY}`),
    },
  });
}

/** The problem+json headers Mailchimp answers errors with. */
export const PROBLEM = { 'content-type': 'application/problem+json; charset=utf-8' };

/** A stream cursor decoded. */
export function decode(cursor: string | null): Record<string, unknown> | null {
  return cursor === null ? null : (JSON.parse(cursor) as Record<string, unknown>);
}

/**
 * Blocks real network calls for the file's tests (loopback stays open when `loopback` is set:
 * Redis and fake systems), and fails a test that left a mocked call unused.
 */
export function useNock(opts: { loopback?: boolean } = {}): void {
  beforeAll(() => {
    nock.disableNetConnect();
    if (opts.loopback) nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => nock.enableNetConnect());
}
