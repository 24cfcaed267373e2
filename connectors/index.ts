import type { ConnectorDef } from '../src/sdk/connector.ts';
import adfCrm from './adf-crm/index.ts';
import dmsFiles from './dms-files/index.ts';
import googleAds from './google-ads/index.ts';
import hubspot from './hubspot/index.ts';
import httpJson from './http-json/index.ts';
import mailchimp from './mailchimp/index.ts';
import meta from './meta/index.ts';

/** Every connector DealerLoop ships, registered at start. */
export const connectors: ConnectorDef[] = [
  adfCrm,
  dmsFiles,
  googleAds,
  hubspot,
  httpJson,
  mailchimp,
  meta,
];
