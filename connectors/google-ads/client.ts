import type { AxiosInstance } from 'axios';

import type { ConnectorContext } from '../../src/sdk/connector.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import type { OAuth2RefreshConfig } from '../../src/sdk/oauth2.ts';
import type { GoogleAdsCredentials, GoogleAdsSettings } from './settings.ts';

/** What a Google Ads stream or sink receives. */
export type GoogleAdsContext = ConnectorContext<GoogleAdsSettings, GoogleAdsCredentials>;

/**
 * The REST client of a connection: `{apiHost}/{apiVersion}` as base URL, the `developer-token`
 * header and, through a manager account, `login-customer-id` (digits only), JSON bodies
 * (docs/vendors.md (Google Ads), developers.google.com/google-ads/api/rest/auth). The bearer token is added by the runtime's OAuth 2.0 flow (`oauth2`).
 */
export function createGoogleAdsClient(
  s: GoogleAdsSettings,
  c: GoogleAdsCredentials,
): AxiosInstance {
  return httpClientOf({
    baseUrl: `${s.apiHost.replace(/\/+$/, '')}/${s.apiVersion}`,
    // The bearer token comes from the refresh-token flow (`googleOAuth2`, ConnectorDef.oauth2).
    auth: { kind: 'oauth2' },
    headers: {
      'developer-token': c.developerToken,
      'content-type': 'application/json',
      ...(s.loginCustomerId ? { 'login-customer-id': s.loginCustomerId } : {}),
    },
  });
}

/** The refresh-token flow of a connection (Google's token endpoint, or the `tokenUrl` setting). */
export function googleOAuth2(s: GoogleAdsSettings, c: GoogleAdsCredentials): OAuth2RefreshConfig {
  return {
    provider: 'Google',
    tokenUrl: s.tokenUrl,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    refreshToken: c.refreshToken,
  };
}
