import { readFileSync } from 'node:fs';

import { AxiosError, AxiosHeaders } from 'axios';
import { describe, expect, it } from 'vitest';

import { classifyGoogleAdsError } from '../../../connectors/google-ads/errors.ts';
import { unitMs } from '../../../src/sdk/error-table.ts';
import { AuthError, PermanentError, RetryableError } from '../../../src/sdk/errors.ts';

const fx = (name: string) =>
  JSON.parse(readFileSync(`connectors/google-ads/fixtures/${name}.json`, 'utf8')) as unknown;

/** An axios error as a failed call gives it. */
function failed(status: number, data: unknown, headers: Record<string, string> = {}) {
  const config = { headers: new AxiosHeaders(), method: 'post', url: '/customers/1:x' };
  return new AxiosError('failed', 'ERR_BAD_REQUEST', config, undefined, {
    status,
    statusText: '',
    headers,
    config,
    data,
  });
}

const rpc = (status: string, code: number, errors: unknown[] = []) => ({
  error: {
    code,
    status,
    message: 'm',
    details: [
      { '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure', errors },
    ],
  },
});

describe('classifyGoogleAdsError (§1.5)', () => {
  it('RESOURCE_EXHAUSTED: retryable with the quota retryDelay', () => {
    const e = classifyGoogleAdsError(failed(429, fx('error-429-resource-exhausted')));
    expect(e).toBeInstanceOf(RetryableError);
    expect((e as RetryableError).retryAfterMs).toBe(40_591_000);
    expect(e.message).toContain(
      'quotaError RESOURCE_EXHAUSTED: Too many requests. Retry in 40591 seconds.',
    );
    expect(e.message).toContain('[request-id xN_KaZRHZuU6Rlgt3cM2uQ]');
  });

  it('a quota wait in a 400 body and a RetryInfo detail are retryable too', () => {
    const body = rpc('RESOURCE_EXHAUSTED', 8, [
      { errorCode: { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' }, message: 'slow down' },
    ]);
    body.error.details.push({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '2.5s',
    } as never);
    const e = classifyGoogleAdsError(failed(400, body));
    expect(e).toBeInstanceOf(RetryableError);
    expect((e as RetryableError).retryAfterMs).toBe(2500);
  });

  it('a 429 without a delay is retryable with backoff; Retry-After is honoured', () => {
    expect(
      (classifyGoogleAdsError(failed(429, rpc('RESOURCE_EXHAUSTED', 8))) as RetryableError)
        .retryAfterMs,
    ).toBeNull();
    const e = classifyGoogleAdsError(
      failed(429, rpc('RESOURCE_EXHAUSTED', 8), { 'retry-after': '7' }),
    );
    expect((e as RetryableError).retryAfterMs).toBe(7000);
  });

  it('ACCESS_PROHIBITED, 401 and 403 are auth errors', () => {
    const prohibited = rpc('PERMISSION_DENIED', 7, [
      { errorCode: { quotaError: 'ACCESS_PROHIBITED' }, message: 'Developer token not approved' },
    ]);
    expect(classifyGoogleAdsError(failed(403, prohibited))).toBeInstanceOf(AuthError);
    expect(classifyGoogleAdsError(failed(401, fx('error-401-unauthenticated')))).toBeInstanceOf(
      AuthError,
    );
    const denied = rpc('PERMISSION_DENIED', 7, [
      { errorCode: { authorizationError: 'USER_PERMISSION_DENIED' }, message: 'no access' },
    ]);
    expect(classifyGoogleAdsError(failed(403, denied)).message).toContain(
      'authorizationError USER_PERMISSION_DENIED: no access',
    );
  });

  it('5xx and UNAVAILABLE are retryable; INVALID_ARGUMENT is permanent with Google codes', () => {
    expect(classifyGoogleAdsError(failed(503, rpc('UNAVAILABLE', 14)))).toBeInstanceOf(
      RetryableError,
    );
    const bad = rpc('INVALID_ARGUMENT', 3, [
      {
        errorCode: { conversionUploadError: 'TOO_MANY_CONVERSIONS_IN_REQUEST' },
        message: 'Upload fewer',
      },
    ]);
    const e = classifyGoogleAdsError(failed(400, bad));
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message).toContain(
      'conversionUploadError TOO_MANY_CONVERSIONS_IN_REQUEST: Upload fewer',
    );
  });

  it('a body that is not Google JSON falls back to the HTTP status', () => {
    expect(classifyGoogleAdsError(failed(502, '<html>bad gateway</html>'))).toBeInstanceOf(
      RetryableError,
    );
    expect(classifyGoogleAdsError(failed(404, 'Not Found'))).toBeInstanceOf(PermanentError);
  });

  it('reads proto Durations', () => {
    expect(unitMs('40591s', 'duration')).toBe(40_591_000);
    expect(unitMs('0.25s', 'duration')).toBe(250);
    expect(unitMs('soon', 'duration')).toBeNull();
  });
});
