import { createHash } from 'node:crypto';

import axios, { type AxiosInstance } from 'axios';

import { PermanentError } from '../../src/sdk/errors.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { sharedGate } from './concurrency.ts';
import { MAX_SIMULTANEOUS_CONNECTIONS } from './limits.ts';
import type { MailchimpCredentials, MailchimpSettings } from './settings.ts';

/**
 * The API base URL of a connection: the `baseUrl` override, else
 * `https://{dc}.api.mailchimp.com/3.0` with the data center from the settings or the key's
 * suffix (`…-us14` → `us14`; docs.nexla.com/user-guides/connectors/mailchimp_api/mailchimp_api_auth, docs.mavera.io/integrations/mailchimp).
 */
export function baseUrlOf(settings: MailchimpSettings, credentials: MailchimpCredentials): string {
  if (settings.baseUrl) return settings.baseUrl.replace(/\/+$/, '');
  const dc = settings.dataCenter ?? credentials.apiKey?.split('-').pop();
  // The data center becomes a host name: only letters then digits, never a dot or a slash.
  if (!dc || !/^[a-z]+\d+$/.test(dc)) {
    throw new PermanentError(
      'Mailchimp data center unknown: give an API key ending in -<dc> or the dataCenter setting',
    );
  }
  return `https://${dc}.api.mailchimp.com/3.0`;
}

/**
 * The axios instance of a connection: Basic auth with the API key (any user name; docs.nexla.com/user-guides/connectors/mailchimp_api/mailchimp_api_auth, api-evangelist arazzo workflow) or
 * Bearer with an OAuth token. Every request passes two process-wide gates: the connection's
 * (`maxConnections`, shared by every run of the connection: same account, audience and limit)
 * and the account's (Mailchimp's 10 simultaneous connections, shared by all its connections).
 */
export function createMailchimpClient(
  settings: MailchimpSettings,
  credentials: MailchimpCredentials,
): AxiosInstance {
  const baseURL = baseUrlOf(settings, credentials);
  // Basic auth takes any user name with the API key as password (docs/vendors.md, Mailchimp).
  const http = httpClientOf({
    baseUrl: baseURL,
    auth: credentials.apiKey
      ? { kind: 'basic', username: 'dealerloop', password: credentials.apiKey }
      : { kind: 'bearer', token: credentials.accessToken },
  });
  const secret = credentials.apiKey ?? credentials.accessToken ?? '';
  const accountKey = createHash('sha256').update(`${baseURL}\n${secret}`).digest('hex');
  const account = sharedGate(accountKey, MAX_SIMULTANEOUS_CONNECTIONS);
  const own = sharedGate(
    `${accountKey}\n${settings.listId}\n${settings.maxConnections}`,
    settings.maxConnections,
  );
  const send = axios.getAdapter(http.defaults.adapter);
  http.defaults.adapter = (config) => {
    const signal = config.signal as AbortSignal | undefined;
    return own.run(() => account.run(() => send(config), signal), signal);
  };
  return http;
}
