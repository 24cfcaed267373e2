import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

let sdkModule: Promise<typeof import('@aws-sdk/client-s3')> | undefined;

/**
 * The AWS SDK for S3, loaded on first use: it costs about 20 MB per process, and processes that
 * never touch S3 (a local archive, no DMS bucket) should not pay for it.
 */
export const s3Sdk = () => (sdkModule ??= import('@aws-sdk/client-s3'));

/** S3 client settings that S3-compatible servers (MinIO, R2) accept, plus optional static keys. */
export function s3ClientConfig(
  base: Pick<S3ClientConfig, 'region' | 'endpoint' | 'forcePathStyle'>,
  keys: { accessKeyId?: string; secretAccessKey?: string },
): S3ClientConfig {
  const config: S3ClientConfig = {
    ...base,
    // client-s3 >= 3.729 adds CRC checksums by default, which MinIO, R2 and other S3-compatible
    // servers reject or mishandle; only send them where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (keys.accessKeyId && keys.secretAccessKey) {
    config.credentials = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
  }
  return config;
}

/** An S3 client made on first use (the SDK loads then); `close` destroys it if it was made. */
export function lazyS3Client(config: S3ClientConfig) {
  let client: Promise<S3Client> | undefined;
  return {
    get: () => (client ??= s3Sdk().then(({ S3Client }) => new S3Client(config))),
    close: () => void client?.then((c) => c.destroy()),
  };
}
