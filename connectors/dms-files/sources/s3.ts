import { Readable } from 'node:stream';

import { lazyS3Client, s3ClientConfig, s3Sdk } from '../../../src/sdk/s3-client.ts';

import type { DmsFilesCredentials, Location } from '../settings.ts';
import { S3_MAX_KEYS_PER_LIST } from '../settings.ts';
import type { FileInfo, FileSource, OpenedFile } from './source.ts';

type S3Location = Extract<Location, { type: 's3' }>;

/** S3 error names that mean "the object is not there (any more)" or "not that version". */
const GONE = new Set(['NoSuchKey', 'NotFound', 'PreconditionFailed', 'InvalidRange']);

/** S3 wraps ETags in quotes; compare them without. */
const unquote = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/** Total size from a `Content-Range: bytes 10-99/100` answer. */
const totalOf = (range: string | undefined, length: number | undefined, start: number) => {
  const m = range ? /\/(\d+)$/.exec(range) : null;
  return m ? Number(m[1]) : start + (length ?? 0);
};

/**
 * Export files under a prefix of the dealership's bucket (AWS S3, MinIO, R2).
 * @example new S3PrefixSource({ type: 's3', bucket: 'acme-dms', prefix: 'exports', region: 'us-east-1', forcePathStyle: false }, {})
 */
export class S3PrefixSource implements FileSource {
  private readonly s3: ReturnType<typeof lazyS3Client>;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(loc: S3Location, creds: DmsFilesCredentials) {
    const trimmed = loc.prefix.replace(/^\/+|\/+$/g, '');
    this.bucket = loc.bucket;
    this.prefix = trimmed ? `${trimmed}/` : '';
    this.s3 = lazyS3Client(
      s3ClientConfig(
        { region: loc.region, endpoint: loc.endpoint, forcePathStyle: loc.forcePathStyle },
        creds,
      ),
    );
  }

  async list(accept: (key: string) => boolean, signal: AbortSignal): Promise<FileInfo[]> {
    const { ListObjectsV2Command } = await s3Sdk();
    const client = await this.s3.get();
    const out: FileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix,
          MaxKeys: S3_MAX_KEYS_PER_LIST,
          ContinuationToken: token,
        }),
        { abortSignal: signal },
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.prefix.length);
        if (!key || key.endsWith('/') || !accept(key)) continue;
        out.push({
          key,
          mtime: o.LastModified?.getTime() ?? 0,
          size: o.Size ?? 0,
          version: unquote(o.ETag),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async open(
    key: string,
    start: number,
    version: string | null,
    signal: AbortSignal,
  ): Promise<OpenedFile | null> {
    const { GetObjectCommand } = await s3Sdk();
    const client = await this.s3.get();
    let res;
    try {
      res = await client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Range: start > 0 ? `bytes=${start}-` : undefined,
          // Real S3 answers 412 when the object changed; servers that ignore If-Match are caught
          // by comparing the ETag of the answer below.
          IfMatch: version !== null ? `"${version}"` : undefined,
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (GONE.has((err as Error).name)) return null;
      throw err;
    }
    // In Node the SDK's body is the HTTP response itself: an IncomingMessage, a Readable.
    if (!(res.Body instanceof Readable)) throw new Error('GetObject returned no stream');
    const etag = unquote(res.ETag);
    if (version !== null && etag !== version) {
      res.Body.destroy();
      return null;
    }
    return {
      key,
      mtime: res.LastModified?.getTime() ?? 0,
      size: totalOf(res.ContentRange, res.ContentLength, start),
      version: etag,
      body: res.Body,
    };
  }

  async probe(signal: AbortSignal): Promise<void> {
    const { HeadBucketCommand } = await s3Sdk();
    await (
      await this.s3.get()
    ).send(new HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: signal,
    });
  }

  /** Closes the client's sockets. */
  close(): void {
    this.s3.close();
  }
}
