/**
 * How docker-compose.yml runs the hub's services, for benches that measure processes as
 * deployed: the `NODE_OPTIONS` of a service (the workers' heap limit, README "Deploying").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

const COMPOSE = join(import.meta.dirname, '../../docker-compose.yml');

/** The `NODE_OPTIONS` docker-compose.yml gives `service` (`''` when none). */
export function deployedNodeOptions(service: 'api' | 'worker'): string {
  const compose = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, unknown> }>;
  };
  return String(compose.services[service]?.environment?.NODE_OPTIONS ?? '');
}
