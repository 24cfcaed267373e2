import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';

import { AppError } from '../../errors/app-error.ts';
import { loadMappingText, previewInWorker } from '../../mapping/index.ts';
import {
  decodeCursor,
  PageQuerySchema,
  pageRequest,
  pageSorted,
  toPage,
} from '../../ops/pagination.ts';
import { invalidMapping } from '../../sync/mapping-source.ts';
import { errorResponses, validationHook } from '../errors.ts';
import { requirePermission } from '../middleware/auth.ts';
import { bearer, body, json, listOf } from './openapi-helpers.ts';
import { TenantParam } from './schemas.ts';

const read = () => [requirePermission('syncs:read')];
const write = () => [requirePermission('syncs:write')];
const base = { tags: ['Mappings'], security: bearer };
const path = '/tenants/{tenantId}/mappings';
const one = `${path}/{name}`;

const NameParam = TenantParam.extend({
  name: z.string().openapi({ param: { name: 'name', in: 'path' }, example: 'http-json-leads' }),
});

const Kind = {
  connector: z.string(),
  stream: z.string(),
  entity: z.string(),
};

/** One saved version, without its text. */
const VersionSchema = z
  .object({
    version: z.number().int(),
    hash: z.string().describe('SHA-256 of the YAML text'),
    savedBy: z.string().describe('apikey:<id> (API) or cli:<user> (CLI)'),
    savedAt: z.string(),
    bytes: z.number().int(),
  })
  .openapi('MappingVersion');

const ListedSchema = z
  .object({
    name: z.string(),
    source: z.enum(['tenant', 'shipped']).describe("What the tenant's syncs of this name use"),
    ...Kind,
    hash: z.string(),
    latest: VersionSchema.optional().describe("The tenant's latest version (tenant mappings)"),
    shipped: z.boolean().describe('A shipped file of this name exists'),
  })
  .openapi('MappingListed');

const ShownSchema = z
  .object({
    name: z.string(),
    source: z.enum(['tenant', 'shipped']),
    ...Kind,
    hash: z.string(),
    yaml: z.string(),
    version: VersionSchema.optional().describe('The version shown (tenant mappings)'),
  })
  .openapi('Mapping');

const SavedSchema = z
  .object({
    name: z.string(),
    created: z.boolean().describe('false: the latest version already had this text'),
    ...Kind,
    version: VersionSchema,
  })
  .openapi('MappingSaved');

const VersionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .openapi({
      param: { name: 'version', in: 'query' },
      description: "A version of the tenant's own",
    }),
});

const yamlText = {
  schema: z.string().openapi({ example: 'connector: http-json\nstream: leads\n...' }),
};

const PreviewSchema = z
  .object({
    records: z.array(z.record(z.string(), z.unknown())).min(1).max(100).describe('Records to map'),
    direction: z.enum(['in', 'out']).default('in').describe('in: system → hub; out: hub → system'),
    version: z.number().int().min(1).optional().describe("A version of the tenant's own"),
    yaml: z.string().min(1).optional().describe('Unsaved YAML to try instead (validated first)'),
  })
  .strict()
  .openapi('MappingPreview');

const routes = {
  list: createRoute({
    ...base,
    method: 'get',
    path,
    summary: "The tenant's mappings and the shipped ones (one per name, name order)",
    middleware: read(),
    request: { params: TenantParam, query: PageQuerySchema },
    responses: { 200: listOf(ListedSchema, 'Mappings'), ...errorResponses(401, 403, 404) },
  }),
  get: createRoute({
    ...base,
    method: 'get',
    path: one,
    summary: "What the tenant's syncs use under this name (latest version, else the shipped file)",
    middleware: read(),
    request: { params: NameParam, query: VersionQuery },
    responses: { 200: json(ShownSchema, 'The mapping'), ...errorResponses(401, 403, 404, 422) },
  }),
  versions: createRoute({
    ...base,
    method: 'get',
    path: `${one}/versions`,
    summary: "The tenant's versions of a mapping, newest first",
    middleware: read(),
    request: { params: NameParam, query: PageQuerySchema },
    responses: { 200: listOf(VersionSchema, 'Versions'), ...errorResponses(401, 403, 404, 422) },
  }),
  save: createRoute({
    ...base,
    method: 'put',
    path: one,
    summary: 'Save a new version (validated; refused with every error located at line:column)',
    middleware: write(),
    request: {
      params: NameParam,
      body: {
        description:
          'The YAML text (application/yaml, text/yaml, text/plain) or JSON {"yaml": "..."}',
        content: {
          'application/json': { schema: z.object({ yaml: z.string() }).strict() },
          'application/yaml': yamlText,
          'text/yaml': yamlText,
          'text/plain': yamlText,
        },
      },
    },
    responses: {
      200: json(SavedSchema, 'The latest version already had this text: nothing changed'),
      201: json(SavedSchema, 'Saved as a new version'),
      ...errorResponses(401, 403, 404, 413, 422),
    },
  }),
  remove: createRoute({
    ...base,
    method: 'delete',
    path: one,
    summary: "Delete the tenant's mapping: its syncs use the shipped file again (versions stay)",
    middleware: write(),
    request: { params: NameParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 422) },
  }),
  preview: createRoute({
    ...base,
    method: 'post',
    path: `${one}/preview`,
    summary: 'Map records through the mapping (or unsaved YAML) without storing anything',
    middleware: write(),
    request: { params: NameParam, body: body(PreviewSchema, 'Records and direction') },
    responses: {
      200: json(
        z.object({
          results: z.array(
            z.object({
              recordKey: z.string().optional(),
              value: z.record(z.string(), z.unknown()),
              quarantined: z.boolean(),
              errors: z.array(
                z.object({
                  field: z.string(),
                  reason: z.string(),
                  fatal: z.boolean(),
                  value: z.unknown().optional(),
                }),
              ),
            }),
          ),
        }),
        'Each record mapped, with its field errors',
      ),
      ...errorResponses(401, 403, 404, 422),
    },
  }),
};

/** The version a versions page starts below (its cursor holds the last version shown). */
function versionCursor(cursor: string | undefined): number | null {
  const after = decodeCursor(cursor);
  if (after === null) return null;
  if (!/^[1-9][0-9]{0,8}$/.test(after))
    throw new AppError(400, 'invalid_cursor', 'cursor is not one this API gave (use next)', [
      { path: 'cursor', message: 'not a cursor of a versions page: pass "next" back as given' },
    ]);
  return Number(after);
}

/** The YAML of a save: the text body, or `yaml` of a JSON body. */
async function yamlOf(c: Context, jsonBody: () => { yaml?: string }): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  const text = /json/i.test(type) ? (jsonBody().yaml ?? '') : await c.req.text();
  if (text.trim() === '') {
    throw new AppError(422, 'validation_failed', 'The mapping is empty', [
      { path: 'yaml', message: 'send the YAML text as the body, or JSON {"yaml": "..."}' },
    ]);
  }
  return text;
}

/** Tenant mappings: list, show, versions, save, delete, preview. Reads for every role; changes for admin and IT. */
export function mappingRoutes() {
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(routes.list, async (c) => {
      const { tenantId } = c.req.valid('param');
      const all = await c.get('sync').svc.mappings.list(tenantId);
      return c.json(
        pageSorted(all, (m) => m.name, pageRequest(c.req.valid('query'))),
        200,
      );
    })
    .openapi(routes.get, async (c) => {
      const { tenantId, name } = c.req.valid('param');
      const shown = await c
        .get('sync')
        .svc.mappings.show(tenantId, name, c.req.valid('query').version);
      return c.json(shown, 200);
    })
    .openapi(routes.versions, async (c) => {
      const { tenantId, name } = c.req.valid('param');
      const q = c.req.valid('query');
      const before = versionCursor(q.cursor);
      const mappings = c.get('sync').svc.mappings;
      const items = await mappings.versions(tenantId, name, before, q.limit + 1);
      const page = items.slice(0, q.limit);
      const last = items.length > q.limit ? String(page[page.length - 1]!.version) : null;
      return c.json(toPage(page, last), 200);
    })
    .openapi(routes.save, async (c) => {
      const { tenantId, name } = c.req.valid('param');
      const yaml = await yamlOf(c, () => c.req.valid('json') as { yaml?: string });
      const by = `apikey:${c.get('auth').id}`;
      const r = await c.get('sync').svc.mappings.save(tenantId, name, yaml, by);
      if (!r.ok) throw invalidMapping(name, r.errors);
      const saved = { name, created: r.created, ...r.kind, version: r.version };
      return r.created ? c.json(saved, 201) : c.json(saved, 200);
    })
    .openapi(routes.remove, async (c) => {
      const { tenantId, name } = c.req.valid('param');
      await c.get('sync').svc.mappings.remove(tenantId, name, `apikey:${c.get('auth').id}`);
      return c.body(null, 204);
    })
    .openapi(routes.preview, async (c) => {
      const { tenantId, name } = c.req.valid('param');
      const { records, direction, version, yaml } = c.req.valid('json');
      const text = yaml ?? (await c.get('sync').svc.mappings.show(tenantId, name, version)).yaml;
      const loaded = loadMappingText(text, `${name}.yaml`);
      if (!loaded.ok) throw invalidMapping(name, loaded.errors);
      const outcome = await previewInWorker({ doc: loaded.doc, records, direction });
      if (!outcome.ok) throw new AppError(422, 'preview_failed', outcome.problem);
      return c.json({ results: outcome.results }, 200);
    });
}
