import { InvalidArgumentError, type Command } from 'commander';

import { boot } from '../runtime/boot.ts';
import { serveHub, stopOnSignals, type Roles } from '../runtime/serve.ts';

const MODES: { name: string; roles: Roles; summary: string }[] = [
  {
    name: 'start',
    roles: { api: true, worker: true },
    summary: 'Run the API and the workers in one process (local use)',
  },
  {
    name: 'api',
    roles: { api: true, worker: false },
    summary: 'Run the HTTP API only (scale behind a load balancer)',
  },
  {
    name: 'worker',
    roles: { api: false, worker: true },
    summary: 'Run the job workers only (run several against one Redis)',
  },
];

/** A TCP port from the command line, or commander's one-line error naming what is wrong. */
function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535)
    throw new InvalidArgumentError(`must be a whole number from 1 to 65535, got "${v}"`);
  return n;
}

/** `start`, `api`, `worker`: long-running processes that stop gracefully on SIGINT/SIGTERM. */
export function registerServeCommands(program: Command): void {
  for (const mode of MODES) {
    const cmd = program.command(mode.name).description(mode.summary);
    if (mode.roles.api)
      cmd.option('-p, --port <port>', 'port to listen on (default: PORT or 8787)', parsePort);
    else
      cmd.option(
        '--metrics-port <port>',
        "serve this process's Prometheus GET /metrics on HOST:<port> (the API serves its own)",
        parsePort,
      );
    cmd.action(async (opts: { port?: number; metricsPort?: number }) => {
      const { hub } = await boot();
      const roles = {
        ...mode.roles,
        ...(opts.metricsPort ? { metricsPort: opts.metricsPort } : {}),
      };
      await stopOnSignals(serveHub(hub, roles, opts.port));
    });
  }
}
