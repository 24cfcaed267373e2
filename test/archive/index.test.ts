import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { archiveOptionsFromConfig, createArchive } from '../../src/archive/index.ts';
import { LocalArchive } from '../../src/archive/local.ts';
import { S3Archive } from '../../src/archive/s3.ts';
import { loadConfig } from '../../src/config/env.ts';

describe('createArchive', () => {
  it('opens a plain path as a local folder, resolved to an absolute path', () => {
    const archive = createArchive({ url: './data/archive' });
    expect(archive).toBeInstanceOf(LocalArchive);
    expect(archive.location).toBe(pathToFileURL(resolve('data/archive')).href);
  });

  it('opens a file:// URL as a local folder', () => {
    const archive = createArchive({ url: 'file:///srv/dealerloop/archive' });
    expect(archive).toBeInstanceOf(LocalArchive);
    expect((archive as LocalArchive).root).toBe(resolve('/srv/dealerloop/archive'));
    expect(archive.location).toBe('file:///srv/dealerloop/archive');
  });

  it('opens s3://bucket/prefix as an S3 archive', () => {
    const s3 = { region: 'auto', endpoint: 'https://acct.r2.cloudflarestorage.com' };
    const archive = createArchive({ url: 's3://dl-archive/prod/raw/', s3 });
    expect(archive).toBeInstanceOf(S3Archive);
    expect(archive.location).toBe('s3://dl-archive/prod/raw');
    expect(createArchive({ url: 's3://dl-archive' }).location).toBe('s3://dl-archive');
  });

  it('refuses other schemes and bad bucket names', () => {
    expect(() => createArchive({ url: 'https://example.com/archive' })).toThrow(/s3:\/\/bucket/);
    expect(() => createArchive({ url: 's3://Bad_Bucket/x' })).toThrow(/bucket must be/);
    expect(() => createArchive({ url: 's3://' })).toThrow(/bucket must be/);
  });

  it('refuses half a pair of S3 credentials', () => {
    expect(() =>
      createArchive({ url: 's3://dl-archive', s3: { region: 'us-east-1', accessKeyId: 'AK' } }),
    ).toThrow(/both the access key id and the secret/);
  });
});

describe('archiveOptionsFromConfig', () => {
  it('maps the S3 variables, with path style on when an endpoint is set', () => {
    const config = loadConfig({
      ARCHIVE_URL: 's3://dl-archive/prod',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'minio',
      S3_SECRET_ACCESS_KEY: 'minio-secret',
    });
    expect(archiveOptionsFromConfig(config)).toEqual({
      url: 's3://dl-archive/prod',
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        region: 'eu-west-1',
        accessKeyId: 'minio',
        secretAccessKey: 'minio-secret',
        forcePathStyle: true,
      },
    });
  });

  it('leaves path style off for AWS and honours an explicit setting', () => {
    const aws = archiveOptionsFromConfig(loadConfig({ ARCHIVE_URL: 's3://dl-archive' }));
    expect(aws.s3).toMatchObject({ region: 'us-east-1', forcePathStyle: false });
    const explicit = loadConfig({ S3_ENDPOINT: 'http://minio:9000', S3_FORCE_PATH_STYLE: 'false' });
    expect(archiveOptionsFromConfig(explicit).s3?.forcePathStyle).toBe(false);
    expect(archiveOptionsFromConfig(loadConfig({})).url).toBe('./data/archive');
  });
});
