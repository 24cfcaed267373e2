import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { Context } from 'hono';

import { notFound } from '../errors/app-error.ts';

const require = createRequire(import.meta.url);

/** Browser files the hub serves from node_modules (nothing from a CDN, so pages work offline). */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'swagger-ui.css': { pkg: 'swagger-ui-dist', file: 'swagger-ui.css', type: 'text/css' },
  'swagger-ui-bundle.js': {
    pkg: 'swagger-ui-dist',
    file: 'swagger-ui-bundle.js',
    type: 'text/javascript',
  },
  'swagger-ui-standalone-preset.js': {
    pkg: 'swagger-ui-dist',
    file: 'swagger-ui-standalone-preset.js',
    type: 'text/javascript',
  },
  'htmx.min.js': { pkg: 'htmx.org', file: 'dist/htmx.min.js', type: 'text/javascript' },
  'chart.umd.min.js': { pkg: 'chart.js', file: 'dist/chart.umd.min.js', type: 'text/javascript' },
};

/** The folder of an installed package (its package.json may not be exported). */
function packageDir(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(join('node_modules', pkg)) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const cache = new Map<string, Buffer>();

/** Answers `name` from its package, cached in memory after the first read. */
export async function serveAsset(c: Context, name: string): Promise<Response> {
  const asset = ASSETS[name];
  if (!asset) throw notFound('asset');
  let body = cache.get(name);
  if (!body) {
    body = await readFile(join(packageDir(asset.pkg), asset.file));
    cache.set(name, body);
  }
  return c.body(new Uint8Array(body), 200, {
    'content-type': `${asset.type}; charset=utf-8`,
    'cache-control': 'public, max-age=86400',
  });
}

/** The Swagger UI page, on the local assets. */
export const SWAGGER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>DealerLoop API</title>
<link rel="stylesheet" href="/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/assets/swagger-ui-bundle.js"></script>
<script src="/assets/swagger-ui-standalone-preset.js"></script>
<script src="/assets/swagger-init.js"></script>
</body>
</html>`;

/** Starts Swagger UI on /openapi.json (a file, not inline, so a strict CSP can forbid inline scripts). */
export const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;
