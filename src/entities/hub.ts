import { z } from '@hono/zod-openapi';

import { ROLES } from '../auth/roles.ts';

/**
 * The hub's own entities, one schema each: the store parses what it writes and reads back with
 * it, and the API answers with it (a named component of the OpenAPI document), so the document is
 * what is stored. Secrets are not part of them: a connection's credentials and an API key's hash
 * stay in the store.
 */

/** A dealership store; `group` names the dealer group it belongs to, if any. */
export const TenantSchema = z
  .object({
    id: z.string().min(1).describe('Tenant id, e.g. acme-motors'),
    name: z.string().default('').describe('Display name'),
    group: z.string().nullable().describe('Dealer group, if any'),
    timezone: z
      .string()
      .min(1)
      .default('America/Chicago')
      .describe('IANA time zone of the store: its dates are in it (stores older than it: Chicago)'),
    createdAt: z.string().default('').describe('ISO 8601 time of creation'),
  })
  .openapi('Tenant');
/** A tenant. */
export type Tenant = z.infer<typeof TenantSchema>;

/** An API key's record; the secret itself is never stored, only its SHA-256 (not shown). */
export const ApiKeySchema = z
  .object({
    id: z.string().min(1),
    scope: z
      .enum(['tenant', 'group', 'hub'])
      .describe('A store, the reports of a tenant group (read-only), or the hub (groups)'),
    tenantId: z.string().default('').describe("The key's store; empty for group and hub keys"),
    groupId: z.string().nullable().describe("The key's tenant group, for group keys"),
    role: z.enum(ROLES),
    name: z.string().default(''),
    createdAt: z.string().default(''),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');
/** An API key without its secret. */
export type ApiKeyRecord = z.infer<typeof ApiKeySchema>;

/** Health of a connection: `broken` after an auth failure, until credentials are replaced. */
export const CONNECTION_STATUSES = ['active', 'broken', 'paused'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** A connection as shown to people: credentials are never returned, only their names. */
export const ConnectionSchema = z
  .object({
    id: z.string().min(1),
    tenantId: z.string().min(1),
    connectorId: z.string().default(''),
    name: z.string().default(''),
    settings: z.record(z.string(), z.unknown()),
    credentialFields: z.array(z.string()).describe('Names of the stored credentials'),
    status: z.enum(CONNECTION_STATUSES).default('active'),
    statusReason: z.string().nullable(),
    createdAt: z.string().default(''),
    updatedAt: z.string().default(''),
  })
  .openapi('Connection');
/** A connection without credentials. */
export type Connection = z.infer<typeof ConnectionSchema>;
