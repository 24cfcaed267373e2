import type { AxiosInstance } from 'axios';

import { httpClientOf } from '../../src/sdk/http.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/**
 * The client of a CRM's lead intake: the intake URL as base, and basic or header auth from the
 * credentials. Missing credentials fail each call as an auth error (inside the engine's call
 * wrapper, so the connection is marked broken with the reason) rather than at construction.
 */
export function createAdfClient(s: AdfSettings, c: AdfCredentials): AxiosInstance {
  const auth = s.auth;
  return httpClientOf({
    baseUrl: s.leadIntakeUrl,
    auth:
      auth.type === 'basic'
        ? { kind: 'basic', username: c.username, password: c.password }
        : auth.type === 'header'
          ? { kind: 'api_key', header: auth.header, value: c.token }
          : { kind: 'none' },
  });
}
