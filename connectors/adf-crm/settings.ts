import { z } from 'zod';

import { requestsPerSecond } from '../../src/sdk/settings.ts';

import { ADF_MIME } from './dtd.ts';

/** How the CRM's lead intake authenticates the hub; the secrets themselves are credentials. */
export const AdfAuth = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('none') })
      .describe(
        'No authentication; when the URL itself is the secret, give it as the leadIntakeUrl credential (sealed, never shown)',
      ),
    z
      .object({ type: z.literal('basic') })
      .describe('HTTP Basic with the username and password credentials'),
    z
      .object({
        type: z.literal('header'),
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name')
          .default('Authorization')
          .describe('Header that carries the token credential verbatim, e.g. X-Api-Key'),
      })
      .describe('A token in a header'),
  ])
  .default({ type: 'none' });

/**
 * The store as the ADF `<vendor>`: the DTD requires a vendorname and a contact with a name and an
 * email or phone (docs/vendors.md (ADF)). Per connection, since mappings are shared by every store.
 */
export const AdfVendor = z
  .object({
    name: z.string().min(1).describe("The store's name, e.g. Acme Ford of Austin"),
    contactName: z.string().min(1).default('Internet Sales').describe('Who receives leads'),
    email: z.email().optional().describe('Email of the receiving department'),
    phone: z.string().min(7).optional().describe('Phone of the receiving department'),
    url: z.url().optional().describe("The store's website"),
  })
  .refine((v) => v.email || v.phone, 'the vendor contact needs an email or a phone (ADF DTD)');

/** Settings of an ADF lead delivery to one dealer CRM. */
export const AdfSettings = z.object({
  leadIntakeUrl: z
    .url()
    .optional()
    .describe(
      "The CRM's ADF lead-intake URL; one document is POSTed per lead. A URL that is itself the secret goes in the credentials instead",
    ),
  auth: AdfAuth.describe('How the lead intake authenticates the hub'),
  contentType: z
    .enum(['application/xml', 'text/xml', ADF_MIME])
    .default('application/xml')
    .describe('Content-Type of the POSTed document'),
  vendor: AdfVendor.describe('The store, written as <vendor>'),
  providerName: z
    .string()
    .min(1)
    .default('DealerLoop')
    .describe('<provider><name> when the mapping names no provider'),
  idSource: z
    .string()
    .min(1)
    .default('DealerLoop')
    .describe('source attribute of the <id> carrying the hub lead id'),
  missingName: z
    .string()
    .min(1)
    .default('Unknown')
    .describe('Name written for a lead without one (the DTD requires a name)'),
  updates: z
    .enum(['skip', 'resend'])
    .default('skip')
    .describe(
      'A lead already delivered that changes: skip it (ADF creates a lead each time) or send it again with status="resend"',
    ),
  requestsPerSecond: requestsPerSecond(100, 2),
});

/**
 * Credentials: `username`/`password` for basic auth or `token` for header auth; `leadIntakeUrl`
 * for a CRM whose intake URL is the secret; `webhookToken` authenticates lead vendors that post
 * ADF to the hub.
 */
export const AdfCredentials = z.object({
  username: z.string().min(1).optional().describe('Basic auth user'),
  password: z.string().min(1).optional().describe('Basic auth password'),
  token: z.string().min(1).optional().describe('Token sent in the auth header'),
  leadIntakeUrl: z
    .url()
    .optional()
    .describe(
      'The lead-intake URL when it is itself the secret (a secret URL, auth none): sealed with the credentials, never shown or logged; used instead of settings.leadIntakeUrl',
    ),
  webhookToken: z
    .string()
    .min(16)
    .optional()
    .describe('Shared secret lead vendors send as X-DealerLoop-Token, a Bearer token or ?token='),
});

/** Parsed settings of an ADF connection. */
export type AdfSettings = z.output<typeof AdfSettings>;
/** Parsed credentials of an ADF connection. */
export type AdfCredentials = z.output<typeof AdfCredentials>;
