import { createHmac } from 'node:crypto';

import type { AxiosInstance } from 'axios';

import { httpClientOf } from '../../src/sdk/http.ts';
import type { MetaCredentials, MetaSettings } from './settings.ts';

/**
 * `appsecret_proof`: HMAC-SHA256 of the access token keyed by the App Secret, hex
 * (developers.facebook.com/docs/graph-api/securing-requests). Apps with "Require App Secret"
 * refuse calls without it; others accept it.
 */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

/**
 * The Graph API client of a connection: `{graphHost}/{apiVersion}` as base URL, the access token
 * (and its proof) as query parameters on every call, as the Graph API documents them. Paging
 * follows `after` cursors rather than `paging.next` URLs, so no URL carrying the token is ever
 * built here or shown in an error.
 */
export function createMetaClient(s: MetaSettings, c: MetaCredentials): AxiosInstance {
  return httpClientOf({
    baseUrl: `${s.graphHost.replace(/\/+$/, '')}/${s.apiVersion}`,
    auth: { kind: 'api_key', query: 'access_token', value: c.accessToken },
    params:
      s.appSecretProof && c.appSecret
        ? { appsecret_proof: appSecretProof(c.accessToken, c.appSecret) }
        : {},
  });
}
