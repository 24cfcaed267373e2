import { Readable } from 'node:stream';

import { lazyS3Client, s3ClientConfig, s3Sdk as sdk } from '../sdk/s3-client.ts';

import { notFound } from '../errors/app-error.ts';
import { ObjectArchive } from './base.ts';
import { archiveUnavailable, invalidArchiveInput, reasonOf } from './errors.ts';

// What HeadBucket's status codes mean (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
const HEAD_BUCKET_STATUS: Record<number, string> = {
  301: 'the bucket is in another region',
  400: 'bad request (check the region and endpoint)',
  403: 'access denied (check the credentials and the bucket policy)',
  404: 'no such bucket',
};

/** How to reach an S3-compatible service (AWS S3, MinIO, Cloudflare R2). */
export interface S3Settings {
  /** API endpoint for MinIO or R2, e.g. `http://127.0.0.1:9000`; unset for AWS. */
  endpoint?: string;
  /** Region; `auto` for R2. */
  region: string;
  /** Access key id; with neither key set, the AWS default credential chain applies. */
  accessKeyId?: string;
  /** Secret access key; required with `accessKeyId`. */
  secretAccessKey?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO needs. */
  forcePathStyle?: boolean;
}

/** Where an {@link S3Archive} keeps its objects, and how to reach them. */
export interface S3ArchiveOptions extends S3Settings {
  /** Bucket name. */
  bucket: string;
  /** Key prefix inside the bucket, e.g. `dealerloop/archive`; slashes at either end are ignored. */
  prefix?: string;
  /** Keys per ListObjectsV2 page (S3's maximum and default is 1000); tests set it small. */
  pageSize?: number;
}

/**
 * The archive in an S3 bucket. Keys are the layout's keys under the configured prefix; objects
 * are `application/gzip` (no `Content-Encoding`, so no proxy or SDK decompresses them on the way).
 *
 * @example
 * const archive = new S3Archive({ bucket: 'dl', prefix: 'archive', region: 'auto', endpoint });
 */
export class S3Archive extends ObjectArchive {
  /** `s3://bucket/prefix`. */
  readonly location: string;
  private readonly s3: ReturnType<typeof lazyS3Client>;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly pageSize: number | undefined;
  private readonly endpoint: string;

  /**
   * Makes the client; nothing is contacted until first use.
   * @throws AppError `invalid_archive_input` when only one of the two keys is set.
   */
  constructor(opts: S3ArchiveOptions) {
    super();
    if ((opts.accessKeyId === undefined) !== (opts.secretAccessKey === undefined)) {
      throw invalidArchiveInput(
        'S3 archive: set both the access key id and the secret, or neither',
      );
    }
    const trimmed = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.bucket = opts.bucket;
    this.prefix = trimmed ? `${trimmed}/` : '';
    this.pageSize = opts.pageSize;
    this.endpoint = opts.endpoint ?? `AWS S3 (${opts.region})`;
    this.location = `s3://${opts.bucket}${trimmed ? `/${trimmed}` : ''}`;
    this.s3 = lazyS3Client(
      s3ClientConfig(
        { region: opts.region, endpoint: opts.endpoint, forcePathStyle: opts.forcePathStyle },
        opts,
      ),
    );
  }

  /** The client, made on first use. */
  private client() {
    return this.s3.get();
  }

  protected async put(key: string, body: Buffer, contentType = 'application/gzip'): Promise<void> {
    const { PutObjectCommand } = await sdk();
    await (
      await this.client()
    ).send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: contentType,
      }),
    );
  }

  /**
   * Pages through ListObjectsV2 (no `Delimiter`: s3rver and some S3-compatible servers mishandle
   * it for nested keys), starting after `startAfter`.
   */
  protected async *listKeys(prefix: string, startAfter?: string): AsyncGenerator<string> {
    const { ListObjectsV2Command } = await sdk();
    const client = await this.client();
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          MaxKeys: this.pageSize,
          ContinuationToken: token,
          StartAfter:
            token === undefined && startAfter !== undefined ? this.prefix + startAfter : undefined,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield o.Key.slice(this.prefix.length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  protected async open(key: string): Promise<Readable> {
    const { GetObjectCommand, NoSuchKey } = await sdk();
    try {
      const res = await (
        await this.client()
      ).send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      // In Node the SDK's body is the HTTP response itself: an IncomingMessage, a Readable.
      if (!(res.Body instanceof Readable)) throw new Error('GetObject returned no stream');
      return res.Body;
    } catch (err) {
      if (err instanceof NoSuchKey) throw notFound(`Archive object ${key}`);
      throw err;
    }
  }

  /** Checks with HeadBucket that the bucket exists and the credentials may use it. */
  async ping(): Promise<void> {
    const { HeadBucketCommand } = await sdk();
    try {
      await (await this.client()).send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // A HEAD response has no body, so the SDK can only say "UnknownError": explain the status.
      const why = status
        ? `${HEAD_BUCKET_STATUS[status] ?? reasonOf(err)} (HTTP ${status})`
        : reasonOf(err);
      throw archiveUnavailable(
        `Archive bucket "${this.bucket}" is not reachable at ${this.endpoint}: ${why}`,
        err,
      );
    }
  }

  /** Closes the client's sockets (if it was ever made). */
  close(): void {
    this.s3.close();
  }
}
