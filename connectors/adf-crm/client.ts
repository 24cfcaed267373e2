import type { AxiosInstance } from 'axios';

import { AuthError } from '../../src/sdk/errors.ts';
import { createHttpClient } from '../../src/sdk/http.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/**
 * The client of a CRM's lead intake: the intake URL as base, and basic or header auth from the
 * credentials. Missing credentials fail each call as an auth error (inside the engine's call
 * wrapper, so the connection is marked broken with the reason) rather than at construction.
 */
export function createAdfClient(s: AdfSettings, c: AdfCredentials): AxiosInstance {
  const auth = s.auth;
  const http = createHttpClient({
    baseURL: s.leadIntakeUrl,
    ...(auth.type === 'basic' && c.username && c.password
      ? { auth: { username: c.username, password: c.password } }
      : {}),
    ...(auth.type === 'header' && c.token ? { headers: { [auth.header]: c.token } } : {}),
  });
  const missing =
    (auth.type === 'basic' && !(c.username && c.password) && 'username and password') ||
    (auth.type === 'header' && !c.token && 'token');
  if (missing)
    http.interceptors.request.use(() =>
      Promise.reject(new AuthError(`ADF ${auth.type} auth needs the ${missing} credentials`)),
    );
  return http;
}
