import { expect, it } from 'vitest';

import { S3Archive } from '../../src/archive/s3.ts';
import { collect, describeArchiveContract } from './contract.ts';
import { fakeS3 } from './fake-s3.ts';

const open = (bucket: string, pageSize = 2) =>
  new S3Archive({
    bucket,
    prefix: '/tenants/',
    region: 'auto',
    endpoint: 'https://example.r2.cloudflarestorage.com',
    accessKeyId: 'id',
    secretAccessKey: 'secret',
    pageSize,
  });

// The same S3Archive code against an in-memory bucket with S3's exact ordering and tiny pages,
// so every listing paginates.
describeArchiveContract('s3 (in-memory, 2 keys a page)', async () => {
  const fake = fakeS3('fake-bucket');
  return {
    archive: open('fake-bucket'),
    broken: open('missing-bucket'),
    brokenMessage:
      /Archive bucket "missing-bucket" is not reachable at https:\/\/example.*no such bucket \(HTTP 404\)/,
    async close() {
      fake.restore();
    },
  };
});

it('stores objects under the prefix and narrows listing by date with few requests', async () => {
  const fake = fakeS3('b');
  try {
    const archive = open('b', 1000);
    const loc = { tenantId: 't1', connectionId: 'c_crm', stream: 'deals', kind: 'raw' } as const;
    for (let day = 1; day <= 28; day++) {
      const at = new Date(`2024-02-${String(day).padStart(2, '0')}T12:00:00Z`);
      await archive.append({ ...loc, at }, [day]);
    }
    expect(
      [...fake.objects.keys()].every((k) => k.startsWith('tenants/t1/c_crm/deals/raw/2024-02-')),
    ).toBe(true);
    fake.calls.list = 0;
    const keys = await collect(archive.list({ ...loc, from: '2024-02-10', to: '2024-02-12' }));
    expect(keys.map((k) => k.split('/')[4])).toEqual(['2024-02-10', '2024-02-11', '2024-02-12']);
    expect(fake.calls.list).toBe(1);
  } finally {
    fake.restore();
  }
});
