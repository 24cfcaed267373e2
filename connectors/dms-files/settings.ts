import { isAbsolute } from 'node:path';

import { z } from 'zod';

/** Rows per page when the connection does not say (issue 5: "a page is at most N rows"). */
export const DEFAULT_PAGE_SIZE = 1000;
/** Largest page a connection may ask for: one page is what the hub holds in memory at once. */
export const MAX_PAGE_SIZE = 10_000;
/**
 * Keys per ListObjectsV2 call: S3's maximum and default ("MaxKeys ... returns up to 1,000 key
 * names", Amazon S3 API Reference, ListObjectsV2).
 */
export const S3_MAX_KEYS_PER_LIST = 1000;
/** Stream pages read per second per connection; a page costs two or three object requests. */
export const PAGES_PER_SECOND = 20;
/** Bytes without a row end after which a row counts as runaway (an unclosed quote). */
export const MAX_ROW_BYTES = 1 << 20;
/** Raw text kept with a row the parser could not read; a runaway row is cut here. */
export const MAX_RAW_CHARS = 4000;

/** The stream names of the connector. */
export const STREAMS = ['sales', 'cdk-sales', 'customers'] as const;
/** One stream of the connector. */
export type DmsStream = (typeof STREAMS)[number];

const glob = z
  .string()
  .min(1)
  .max(300)
  .describe('Glob of file keys under the prefix/folder: * (not /), ** (any), ?; case-insensitive');

const LocalFolder = z.object({
  type: z.literal('local'),
  folder: z
    .string()
    .refine(isAbsolute, 'must be an absolute path')
    .describe('Absolute path of the folder the DMS drops exports into, e.g. /srv/sftp/acme/dms'),
});

const S3Bucket = z.object({
  type: z.literal('s3'),
  bucket: z.string().min(3).max(63).describe("The dealership's bucket, e.g. acme-ford-dms"),
  prefix: z
    .string()
    .default('')
    .describe('Key prefix of the exports, e.g. exports/dms/ (slashes at either end ignored)'),
  region: z.string().min(1).default('us-east-1').describe('Region; auto for Cloudflare R2'),
  endpoint: z
    .url()
    .optional()
    .describe('S3-compatible endpoint (MinIO, R2), e.g. http://minio:9000; unset for AWS'),
  forcePathStyle: z
    .boolean()
    .default(false)
    .describe('Path-style addressing (endpoint/bucket/key), which MinIO needs'),
});

/** Where a connection's export files are. */
export const Location = z
  .discriminatedUnion('type', [LocalFolder, S3Bucket])
  .describe('Where the DMS exports land: an S3 bucket/prefix or a local folder');
/** A parsed {@link Location}. */
export type Location = z.output<typeof Location>;

/** Settings of a DMS export drop. */
export const DmsFilesSettings = z.object({
  location: Location,
  files: z
    .object({
      sales: glob.default('sales/*.csv').describe('Generic deal exports (layout of reference 7.4)'),
      'cdk-sales': glob.default('cdk/*.csv').describe('CDK FI deal exports (CDK field names)'),
      customers: glob.default('customers/*.csv').describe('Customer exports'),
    })
    .prefault({})
    .describe('Which files each stream reads'),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe('Rows per page; a file is read across pages'),
  delimiter: z.string().min(1).max(4).default(',').describe('Field delimiter, e.g. , or | or \\t'),
  encoding: z
    .enum(['utf8', 'latin1'])
    .default('utf8')
    .describe('Text encoding of the files (latin1 for Windows-1252 exports); a BOM wins'),
  lateFileWindowMinutes: z
    .number()
    .int()
    .min(0)
    .max(31 * 24 * 60)
    .default(24 * 60)
    .describe(
      'Files stamped up to this long before the newest file read are still picked up when they ' +
        'appear late (slow uploads, clock skew, copies keeping old times); older ones are not',
    ),
  minFileAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(0)
    .describe(
      'Skip files changed more recently than this (a folder an SFTP upload is still writing)',
    ),
});
/** Parsed settings, defaults applied. */
export type DmsFilesSettings = z.output<typeof DmsFilesSettings>;

/** Keys of the bucket; neither for a local folder or the AWS default credential chain. */
export const DmsFilesCredentials = z
  .object({
    accessKeyId: z.string().min(1).optional().describe('S3 access key id'),
    secretAccessKey: z.string().min(1).optional().describe('S3 secret access key'),
  })
  .refine((c) => (c.accessKeyId === undefined) === (c.secretAccessKey === undefined), {
    message: 'set both accessKeyId and secretAccessKey, or neither',
  });
/** Parsed credentials. */
export type DmsFilesCredentials = z.output<typeof DmsFilesCredentials>;
