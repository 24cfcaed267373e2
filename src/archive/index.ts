import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Config } from '../config/env.ts';
import type { Archive } from './archive.ts';
import { invalidArchiveInput } from './errors.ts';
import { LocalArchive } from './local.ts';
import { S3Archive, type S3Settings } from './s3.ts';

export type { Archive, ArchiveFilter, ArchiveKind, ArchiveLocation } from './archive.ts';
export { LocalArchive } from './local.ts';
export { S3Archive, type S3ArchiveOptions, type S3Settings } from './s3.ts';

/** What {@link createArchive} needs. */
export interface ArchiveOptions {
  /** A folder path, `file:///path`, or `s3://bucket/prefix`. */
  url: string;
  /** Settings for an `s3://` URL; region `us-east-1` when absent. */
  s3?: S3Settings;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Opens the archive a URL names: a plain path or `file:///path` gives a {@link LocalArchive},
 * `s3://bucket/prefix` an {@link S3Archive}. Nothing is contacted until first use.
 * @throws AppError `invalid_archive_input` on another scheme or a bad bucket name.
 * @example
 * createArchive({ url: 's3://dl-archive/prod', s3: { region: 'auto', endpoint: r2Endpoint } });
 */
export function createArchive(opts: ArchiveOptions): Archive {
  const url = opts.url.trim();
  if (/^s3:\/\//i.test(url)) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    if (!BUCKET.test(bucket)) {
      throw invalidArchiveInput(
        `Invalid archive URL ${url}: the bucket must be 3-63 lowercase letters, digits, dots or hyphens`,
      );
    }
    const prefix = slash === -1 ? '' : decodePrefix(url, rest.slice(slash + 1));
    return new S3Archive({ region: 'us-east-1', ...opts.s3, bucket, prefix });
  }
  if (/^file:\/\//i.test(url)) return new LocalArchive(fileURLToPath(url));
  if (SCHEME.test(url)) {
    throw invalidArchiveInput(
      `Invalid archive URL ${url}: use a folder path, file:///path or s3://bucket/prefix`,
    );
  }
  return new LocalArchive(resolve(url));
}

function decodePrefix(url: string, prefix: string): string {
  try {
    return decodeURIComponent(prefix);
  } catch {
    throw invalidArchiveInput(`Invalid archive URL ${url}: the prefix has a bad %-escape`);
  }
}

/**
 * Maps the parsed environment to {@link ArchiveOptions}. Path-style addressing defaults to on
 * when `S3_ENDPOINT` is set (MinIO and most self-hosted servers need it) and off for AWS.
 */
export function archiveOptionsFromConfig(config: Config): ArchiveOptions {
  return {
    url: config.ARCHIVE_URL,
    s3: {
      endpoint: config.S3_ENDPOINT,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE ?? config.S3_ENDPOINT !== undefined,
    },
  };
}
