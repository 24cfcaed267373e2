import { z } from '@hono/zod-openapi';

import { GROUP_ROLES, ROLES } from '../../auth/roles.ts';
import { ID_PATTERN } from '../../store/keys.ts';

/** The entities' schemas, shared with their stores (src/entities/hub.ts). */
export { ApiKeySchema, ConnectionSchema, TenantSchema } from '../../entities/hub.ts';

/** Path parameter: the tenant the request is about; must be the API key's own tenant. */
export const TenantParam = z.object({
  tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme-motors' }),
});

/** Body of POST api-keys. */
export const ApiKeyCreateSchema = z
  .object({
    role: z.enum(ROLES).describe('admin, it, marketing or viewer'),
    name: z.string().min(1).max(100).describe('What the key is for, e.g. "Looker export"'),
  })
  .openapi('ApiKeyCreate');

/** Body of POST groups/{groupId}/api-keys: group keys are read-only. */
export const GroupApiKeyCreateSchema = z
  .object({
    role: z
      .enum(GROUP_ROLES)
      .describe('marketing (reads the reports) or viewer: group keys are read-only'),
    name: ApiKeyCreateSchema.shape.name,
  })
  .strict()
  .openapi('GroupApiKeyCreate');

const CONNECTOR_ID = /^[a-z0-9][a-z0-9-]{0,40}$/;

const settings = z
  .record(z.string(), z.unknown())
  .describe('Connector settings, e.g. { "apiHost": "https://sandbox.example.com" }');
const credentials = z
  .record(z.string(), z.string().min(1))
  .describe('Secrets (tokens, keys); stored encrypted and never returned');

/** Body of POST connections. */
export const ConnectionCreateSchema = z
  .object({
    connectorId: z
      .string()
      .regex(CONNECTOR_ID, 'lowercase letters, digits and "-"')
      .describe('Which connector, e.g. "meta" or "hubspot"'),
    name: z.string().min(1).max(100).describe('A name people recognize, e.g. "Meta — Acme Ford"'),
    settings: settings.optional(),
    credentials: credentials.optional(),
  })
  .openapi('ConnectionCreate');

/** Body of PATCH connections. */
export const ConnectionUpdateSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    settings: settings.optional(),
    credentials: credentials.optional(),
  })
  .openapi('ConnectionUpdate');

const groupId = z
  .string()
  .regex(
    ID_PATTERN,
    'group id: lowercase letters, digits, "_" or "-" (at most 63), e.g. lone-star-group',
  )
  .describe('Id of the group, e.g. lone-star-group');

/** Path parameter: the tenant group the request is about. */
export const GroupParam = z.object({
  groupId: z
    .string()
    .openapi({ param: { name: 'groupId', in: 'path' }, example: 'lone-star-group' }),
});

/** A tenant group: stores reported on together. */
export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    members: z.array(z.string()).describe('Member tenant ids, sorted'),
    createdAt: z.string(),
  })
  .openapi('TenantGroup');

/** Body of POST groups (and the input of `dealerloop group create`). */
export const GroupCreateSchema = z
  .object({
    id: groupId,
    name: z
      .string()
      .min(1, 'name is required')
      .max(100)
      .describe('Display name, e.g. "Lone Star Auto Group"'),
    members: z
      .array(z.string().regex(ID_PATTERN, 'must be a tenant id'))
      .max(500)
      .default([])
      .describe('First member tenant ids; each must exist'),
  })
  .strict()
  .openapi('TenantGroupCreate');
