import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { S3Archive } from '../../src/archive/s3.ts';

/** The slice of s3rver 3.7.1's API used here (the package ships no types). */
interface S3rverInstance {
  /** Starts listening; resolves with the bound address (`http.Server#address()`). */
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (opts: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

// s3rver is CommonJS without type declarations; require it with a typed shape instead.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** A running s3rver with one fresh bucket, for integration tests. */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  endpoint: string;
  /** A new, empty bucket named `test-<random>`. */
  bucket: string;
  /** Region to configure clients with (s3rver accepts any). */
  region: string;
  /** s3rver's fixed credentials. */
  accessKeyId: string;
  /** s3rver's fixed credentials. */
  secretAccessKey: string;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/**
 * Starts s3rver on 127.0.0.1 on a free port, storing into a new temporary folder, with a fresh
 * bucket. Call `close()` in `afterEach`/`afterAll`.
 * @example
 * const s3 = await startS3Server();
 * const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
 *   credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
 */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'dl-s3rver-'));
  const bucket = `test-${randomBytes(6).toString('hex')}`;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  let address: AddressInfo;
  try {
    // s3rver 3.7.1's run() resolves with httpServer.address(), which carries the bound port.
    address = await server.run();
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

/** An {@link S3Archive} on the test server, under `dealerloop/archive` of `bucket` (default its own). */
export function s3ArchiveOn(s3: TestS3Server, bucket = s3.bucket): S3Archive {
  return new S3Archive({
    bucket,
    prefix: 'dealerloop/archive',
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    forcePathStyle: true,
  });
}
