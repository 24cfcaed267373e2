import { AxiosError, type AxiosInstance } from 'axios';

import { AuthError } from '../../src/sdk/errors.ts';
import { httpClientOf } from '../../src/sdk/http.ts';
import { MIN_SECRET_LENGTH, REDACTED, redactDeep, redactText } from '../../src/sdk/redact.ts';
import type { AdfCredentials, AdfSettings } from './settings.ts';

/**
 * The client of a CRM's lead intake: the intake URL as base (the sealed `leadIntakeUrl` credential
 * when the URL is the secret, else the setting), and basic or header auth from the credentials.
 * Missing credentials, or no intake URL at all, fail each call as an auth error (inside the
 * engine's call wrapper, so the connection is marked broken with the reason) rather than at
 * construction.
 */
export function createAdfClient(s: AdfSettings, c: AdfCredentials): AxiosInstance {
  const auth = s.auth;
  const http = httpClientOf({
    baseUrl: c.leadIntakeUrl ?? s.leadIntakeUrl ?? '',
    auth:
      auth.type === 'basic'
        ? { kind: 'basic', username: c.username, password: c.password }
        : auth.type === 'header'
          ? { kind: 'api_key', header: auth.header, value: c.token }
          : { kind: 'none' },
  });
  if (c.leadIntakeUrl) scrubSecretUrl(http, c.leadIntakeUrl);
  if (!c.leadIntakeUrl && !s.leadIntakeUrl)
    http.interceptors.request.use(() => {
      throw new AuthError(
        'No lead-intake URL: set settings.leadIntakeUrl, or the leadIntakeUrl credential when the URL is the secret',
      );
    });
  return http;
}

/**
 * A secret intake URL is scrubbed from every failed call (a CRM may echo the path it was called
 * on): the URL, its path and each of its path segments and query values long enough to be one.
 */
function scrubSecretUrl(http: AxiosInstance, secretUrl: string): void {
  const url = new URL(secretUrl);
  const secrets = [secretUrl, `${url.pathname}${url.search}`, url.pathname]
    .concat(url.pathname.split('/'), [...url.searchParams.values()])
    .filter((x) => x.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  http.interceptors.response.use(undefined, (err: unknown) => {
    if (err instanceof AxiosError) {
      err.message = redactText(err.message, secrets);
      if (err.config) err.config.baseURL = REDACTED;
      if (err.response) err.response.data = redactDeep(err.response.data, secrets);
    }
    return Promise.reject(err);
  });
}
