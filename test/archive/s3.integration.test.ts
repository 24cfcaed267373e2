// s3rver 3.7.1 cannot paginate on Node >= 17 (its continuation token uses DES, which OpenSSL 3
// dropped), so these run with the default page size; s3-fake.test.ts covers pagination.
import { s3ArchiveOn, startS3Server } from '../support/s3-server.ts';
import { describeArchiveContract } from './contract.ts';

describeArchiveContract(
  's3',
  async () => {
    const s3 = await startS3Server();
    const connect = (bucket: string) => s3ArchiveOn(s3, bucket);
    const archive = connect(s3.bucket);
    const broken = connect(`${s3.bucket}-missing`);
    return {
      archive,
      broken,
      brokenMessage: new RegExp(
        `Archive bucket "${s3.bucket}-missing" is not reachable at ${s3.endpoint}: no such bucket \\(HTTP 404\\)`,
      ),
      async close() {
        archive.close();
        broken.close();
        await s3.close();
      },
    };
  },
  {
    // s3rver 3.7.1 walks its folders in readdir order; real S3, MinIO and R2 order whole keys.
    // s3-fake.test.ts checks this order through the same S3Archive code.
    perFolderKeyOrder: 's3rver lists folder by folder',
  },
);
