import { AuthError, isClassified, PermanentError, RetryableError } from '../../src/sdk/errors.ts';

/** S3 error names that mean the keys are wrong or not allowed (S3 API Reference, Error codes). */
const S3_AUTH = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
]);
/** S3 error names that no retry fixes: the connection's settings are wrong. */
const S3_PERMANENT = new Set(['NoSuchBucket', 'InvalidBucketName', 'PermanentRedirect']);
/** File system codes of a folder that is missing or not one. */
const FS_MISSING = new Set(['ENOENT', 'ENOTDIR']);
/** File system codes of a folder the hub may not read. */
const FS_DENIED = new Set(['EACCES', 'EPERM']);

/**
 * Classifies a failure of a bucket or folder once, at the connector edge: refused keys or
 * permissions stop the connection (auth), a missing bucket or folder is permanent, anything else
 * (5xx, SlowDown, timeouts, resets, busy files) is retried.
 */
export function classifyDmsFilesError(err: unknown): Error {
  if (isClassified(err)) return err;
  const e = (err ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode ?? null;
  const what = `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  if (S3_AUTH.has(e.name ?? '') || status === 401 || status === 403)
    return new AuthError(`the bucket refused the credentials (${what})`, status);
  if (
    S3_PERMANENT.has(e.name ?? '') ||
    status === 301 ||
    (status === 404 && e.name !== 'NoSuchKey')
  )
    return new PermanentError(`the bucket cannot be used (${what})`, status);
  if (e.code && FS_DENIED.has(e.code)) return new AuthError(`the folder may not be read (${what})`);
  if (e.code && FS_MISSING.has(e.code))
    return new PermanentError(`the folder is missing (${what})`);
  return new RetryableError(what, null, status);
}
