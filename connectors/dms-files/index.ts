import { defineConnector, type ConnectorContext, type StreamDef } from '../../src/sdk/connector.ts';
import { classifyDmsFilesError } from './classify.ts';
import { compileGlob } from './glob.ts';
import { readPage } from './read-page.ts';
import {
  DmsFilesCredentials,
  DmsFilesSettings,
  PAGES_PER_SECOND,
  type DmsStream,
} from './settings.ts';
import { sourceOf } from './source-of.ts';

type Ctx = ConnectorContext<DmsFilesSettings, DmsFilesCredentials>;

/** A stream reading the CSV files its `files` glob selects. */
function fileStream(
  stream: DmsStream,
  description: string,
): StreamDef<DmsFilesSettings, DmsFilesCredentials> {
  return {
    description,
    read: (ctx: Ctx, cursor) => {
      const s = ctx.settings;
      return readPage(
        sourceOf(s, ctx.credentials),
        {
          accept: compileGlob(s.files[stream]),
          pageSize: s.pageSize,
          windowMs: s.lateFileWindowMinutes * 60_000,
          notAfter: Date.now() - s.minFileAgeSeconds * 1000,
          format: { delimiter: s.delimiter, encoding: s.encoding },
        },
        cursor,
        ctx.signal,
      );
    },
  };
}

/**
 * DMS exports dropped as CSV files in the dealership's S3 bucket/prefix or a local folder: sales
 * deals (the generic layout of docs/vendors.md, DMS exports, or CDK FI deal records) and customers, each through
 * its own mapping file. Incremental by file key and modified time; files are streamed a page at a
 * time and resumed mid-file; rows the parser cannot read are passed on flagged (`_error`, `_raw`)
 * for the engine to quarantine.
 */
export default defineConnector({
  id: 'dms-files',
  name: 'DMS file exports',
  settings: DmsFilesSettings,
  credentials: DmsFilesCredentials,
  limits: (s) => ({ requestsPerSecond: PAGES_PER_SECOND, batchSize: s.pageSize }),
  classify: classifyDmsFilesError,
  check: (ctx) => sourceOf(ctx.settings, ctx.credentials).probe(ctx.signal),
  streams: {
    sales: fileStream('sales', 'Sales deals, generic export layout (one row per deal)'),
    'cdk-sales': fileStream('cdk-sales', 'Sales deals, CDK FI deal record exports'),
    customers: fileStream('customers', 'Customers (one row per DMS customer)'),
  },
});
