import type { Command } from 'commander';

import { testConnection, validateConnectionInput } from '../sync/connection-runtime.ts';
import { deleteConnection } from '../sync/deletion.ts';
import { emit, table } from './output.ts';
import { jsonOption, withEngine } from './with-hub.ts';

const rows = (x: unknown) => x as Record<string, unknown>[];

/** `connection create|list|update|test|delete`. */
export function registerConnectionCommands(program: Command): void {
  const conn = program.command('connection').description('Manage connections to external systems');
  addCreate(conn);
  addList(conn);
  addUpdate(conn);
  addTestDelete(conn);
}

/** `connection create`. */
function addCreate(conn: Command): void {
  conn
    .command('create')
    .description('Add a connection (settings and credentials are checked against the connector)')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--connector <id>', 'connector id (see `dealerloop connectors`)')
    .requiredOption('--name <name>', 'a name people recognize')
    .option('--settings <json>', 'settings as JSON or @file.json')
    .option('--credentials <json>', 'credentials as JSON or @file.json (stored encrypted)')
    .option('--json', 'output JSON')
    .action(
      async (o: {
        tenant: string;
        connector: string;
        name: string;
        settings?: string;
        credentials?: string;
        json?: boolean;
      }) => {
        const settings = jsonOption(o.settings, '--settings');
        const credentials = jsonOption(o.credentials, '--credentials') as
          Record<string, string> | undefined;
        const c = await withEngine(async (e, hub) => {
          await hub.tenants.get(o.tenant);
          validateConnectionInput(e.service.svc.registry.get(o.connector), settings, credentials);
          return hub.connections.create(o.tenant, {
            connectorId: o.connector,
            name: o.name,
            settings,
            credentials,
          });
        });
        emit(!!o.json, c, () => `created connection ${c.id} (${c.connectorId}: ${c.name})`);
      },
    );
}

/** `connection list`. */
function addList(conn: Command): void {
  conn
    .command('list')
    .description("List a tenant's connections")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const all = await withEngine((_e, hub) => hub.connections.list(o.tenant));
      emit(!!o.json, all, () =>
        table(rows(all), ['id', 'connectorId', 'name', 'status', 'statusReason']),
      );
    });
}

/** `connection update`. */
function addUpdate(conn: Command): void {
  conn
    .command('update <connectionId>')
    .description('Change name, settings or credentials (new credentials replace the old whole)')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--name <name>', 'new name')
    .option('--settings <json>', 'settings as JSON or @file.json')
    .option('--credentials <json>', 'credentials as JSON or @file.json')
    .option('--json', 'output JSON')
    .action(
      async (
        id: string,
        o: {
          tenant: string;
          name?: string;
          settings?: string;
          credentials?: string;
          json?: boolean;
        },
      ) => {
        const settings = jsonOption(o.settings, '--settings');
        const credentials = jsonOption(o.credentials, '--credentials') as
          Record<string, string> | undefined;
        const c = await withEngine(async (e, hub) => {
          const cur = await hub.connections.get(o.tenant, id);
          validateConnectionInput(
            e.service.svc.registry.get(cur.connectorId),
            settings ?? cur.settings,
            credentials ?? (await hub.connections.credentials(o.tenant, id)),
          );
          return hub.connections.update(o.tenant, id, { name: o.name, settings, credentials });
        });
        emit(!!o.json, c, () => `updated connection ${c.id}`);
      },
    );
}

/** `connection test|delete`. */
function addTestDelete(conn: Command): void {
  conn
    .command('test <connectionId>')
    .description('One authenticated call to the system: are the credentials good?')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (id: string, o: { tenant: string; json?: boolean }) => {
      const r = await withEngine((e) => testConnection(e.service.svc, o.tenant, id));
      emit(!!o.json, r, () => `${r.ok ? 'ok' : 'FAILED'}: ${r.message} (status ${r.status})`);
      if (!r.ok) process.exitCode = 1;
    });
  conn
    .command('delete <connectionId>')
    .description('Delete a connection')
    .requiredOption('--tenant <id>', 'tenant id')
    .action(async (id: string, o: { tenant: string }) => {
      await withEngine((e) => deleteConnection(e.service.svc, o.tenant, id));
      emit(false, null, () => `deleted connection ${id}`);
    });
}
