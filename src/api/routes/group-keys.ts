import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';

import { errorResponses, validationHook } from '../errors.ts';
import { requireHubKey } from '../middleware/auth.ts';
import { bearer, body, json } from './openapi-helpers.ts';
import { ApiKeySchema, GroupApiKeyCreateSchema, GroupParam } from './schemas.ts';

const tags = ['Tenant groups'];
const hubOnly = [requireHubKey()];
const KeyParam = GroupParam.extend({
  keyId: z.string().openapi({ param: { name: 'keyId', in: 'path' } }),
});

const list = createRoute({
  method: 'get',
  path: '/groups/{groupId}/api-keys',
  tags,
  summary: "A group's API keys, newest first (hub keys; secrets are never shown again)",
  security: bearer,
  middleware: hubOnly,
  request: { params: GroupParam },
  responses: {
    200: json(z.object({ items: z.array(ApiKeySchema) }), 'Keys'),
    ...errorResponses(401, 403, 404),
  },
});
const create = createRoute({
  method: 'post',
  path: '/groups/{groupId}/api-keys',
  tags,
  summary:
    "Create a group key (hub keys): it reads the group's reports and its member stores' reports; the token is shown once",
  security: bearer,
  middleware: hubOnly,
  request: { params: GroupParam, body: body(GroupApiKeyCreateSchema, 'The new key') },
  responses: {
    201: json(z.object({ token: z.string(), key: ApiKeySchema }), 'Created; store the token now'),
    ...errorResponses(401, 403, 404, 422),
  },
});
const revoke = createRoute({
  method: 'delete',
  path: '/groups/{groupId}/api-keys/{keyId}',
  tags,
  summary: 'Revoke a group key (hub keys); its dashboard sessions end at once',
  security: bearer,
  middleware: hubOnly,
  request: { params: KeyParam },
  responses: { 200: json(ApiKeySchema, 'Revoked'), ...errorResponses(401, 403, 404) },
});

/** A tenant group's API keys, managed with a hub key (scoped by `groupScope` in app.ts). */
export function groupKeyRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(list, async (c) => {
      const { groupId } = c.req.valid('param');
      const hub = c.get('hub');
      await hub.groups.get(groupId);
      return c.json({ items: await hub.apiKeys.listOf({ scope: 'group', id: groupId }) }, 200);
    })
    .openapi(create, async (c) => {
      const { groupId } = c.req.valid('param');
      const { role, name } = c.req.valid('json');
      const hub = c.get('hub');
      await hub.groups.get(groupId);
      return c.json(await hub.apiKeys.createFor({ scope: 'group', id: groupId }, role, name), 201);
    })
    .openapi(revoke, async (c) => {
      const { groupId, keyId } = c.req.valid('param');
      return c.json(
        await c.get('hub').apiKeys.revokeFor({ scope: 'group', id: groupId }, keyId),
        200,
      );
    });
}
