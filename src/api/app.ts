import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';

import { AppError } from '../errors/app-error.ts';
import type { Hub } from '../hub.ts';
import type { SyncService } from '../sync/sync-service.ts';
import { serveAsset, SWAGGER_HTML, SWAGGER_INIT } from './assets.ts';
import './context.ts';
import { errorResponse, validationHook } from './errors.ts';
import { bearerAuth, groupScope, tenantScope } from './middleware/auth.ts';
import { idGuard } from './middleware/id-guard.ts';
import { requestContext } from './middleware/request-id.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { connectionRoutes } from './routes/connections.ts';
import { recordRoutes } from './routes/records.ts';
import { entriesRoutes } from './routes/entries.ts';
import { groupKeyRoutes } from './routes/group-keys.ts';
import { groupRoutes } from './routes/groups.ts';
import { healthRoutes } from './routes/health.ts';
import { hookRoutes } from './routes/hooks.ts';
import { mappingRoutes } from './routes/mappings.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { qualityReportRoutes } from './routes/quality-reports.ts';
import { queueBoardRoutes } from './routes/queue-board.ts';
import { attributionStatusRoutes } from './routes/attribution-status.ts';
import { reportRoutes } from './routes/reports.ts';
import { settingsRoutes } from './routes/settings.ts';
import { syncRoutes } from './routes/syncs.ts';
import { tenantRoutes } from './routes/tenant.ts';
import { uiRoutes } from '../ui/app.tsx';

/** The OpenAPI document's metadata. */
const INFO = {
  openapi: '3.1.0',
  info: {
    title: 'DealerLoop API',
    version: '0.1.0',
    description:
      'Integration hub for car dealerships. Every /v1 call needs `Authorization: Bearer <api key>`; ' +
      'a key sees only its own tenant; a group key reads the reports of its group and of its member stores.',
  },
};

/**
 * Builds the HTTP application around an opened hub. Tests call `app.request()` on it directly.
 */
export function createApp(hub: Hub, sync: SyncService) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use('*', async function attachHub(c, next) {
    c.set('hub', hub);
    c.set('sync', sync);
    await next();
  });
  app.use('*', requestContext());
  app.use(
    '*',
    bodyLimit({
      maxSize: hub.config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new AppError(
          413,
          'payload_too_large',
          `Bodies are limited to ${hub.config.BODY_LIMIT_BYTES} bytes`,
        );
      },
    }),
  );
  app.use('/v1/tenants/*', idGuard());
  app.use('/v1/groups/*', idGuard('groupId'));
  app.use('/hooks/*', idGuard());
  app.onError((err, c) => errorResponse(err, c));
  app.notFound((c) =>
    errorResponse(new AppError(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`), c),
  );

  app.route('/', healthRoutes());
  app.route('/', hookRoutes());
  app.route('/', metricsRoutes());
  app.route('/', queueBoardRoutes(sync));
  app.route('/', uiRoutes());
  app.get('/assets/swagger-init.js', (c) =>
    c.body(SWAGGER_INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/assets/:name', (c) => serveAsset(c, c.req.param('name')));

  app.use('/v1/*', bearerAuth());
  app.use('/v1/tenants/:tenantId', tenantScope());
  app.use('/v1/tenants/:tenantId/*', tenantScope());
  app.use('/v1/groups/:groupId', groupScope());
  app.use('/v1/groups/:groupId/*', groupScope());
  app.route('/v1', tenantRoutes());
  app.route('/v1', settingsRoutes());
  app.route('/v1', reportRoutes());
  app.route('/v1', qualityReportRoutes());
  app.route('/v1', attributionStatusRoutes());
  app.route('/v1', apiKeyRoutes());
  app.route('/v1', connectionRoutes());
  app.route('/v1', syncRoutes());
  app.route('/v1', mappingRoutes());
  app.route('/v1', entriesRoutes());
  app.route('/v1', recordRoutes());
  app.route('/v1', groupRoutes());
  app.route('/v1', groupKeyRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key made with `dealerloop apikey create`',
  });
  app.doc31('/openapi.json', INFO);
  app.get('/docs', (c) => c.html(SWAGGER_HTML));
  return app;
}
