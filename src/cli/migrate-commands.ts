import type { Command } from 'commander';

import { MIGRATIONS, migrateHub, migrationStatus } from '../migrations/index.ts';
import { emit, table } from './output.ts';
import { withHub } from './with-hub.ts';

/** `migrate [--tenant] [--status]`: apply (or list) the migrations of stored data. */
export function registerMigrateCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending migrations of stored data (also done at start-up)')
    .option('--tenant <id>', 'only this tenant')
    .option('--status', 'list each migration and whether it is applied, change nothing')
    .option('--json', 'output JSON')
    .action(async (opts: { tenant?: string; status?: boolean; json?: boolean }) => {
      if (opts.status) {
        const rows = await withHub(async (hub) => {
          const ids = opts.tenant
            ? [(await hub.tenants.get(opts.tenant)).id]
            : (await hub.tenants.list()).map((t) => t.id);
          const out: Record<string, unknown>[] = [];
          for (const tenantId of ids)
            for (const s of await migrationStatus(hub.redis, hub.keys, tenantId, MIGRATIONS))
              out.push({
                tenant: tenantId,
                migration: s.id,
                doneAt: s.done?.doneAt ?? null,
                changed: s.done?.changed ?? null,
              });
          return out;
        });
        emit(!!opts.json, rows, () => table(rows, ['tenant', 'migration', 'doneAt', 'changed']));
        return;
      }
      const tty = process.stderr.isTTY;
      const done = await withHub((hub) =>
        migrateHub(hub, {
          tenantId: opts.tenant,
          progress: (id, d, t) => {
            if (!opts.json && tty) process.stderr.write(`\r\x1b[2K${id}: ${d} of ${t}`);
          },
        }),
      );
      if (!opts.json && tty) process.stderr.write('\n');
      const rows = done.flatMap((t) =>
        t.applied.map((a) => ({ tenant: t.tenantId, migration: a.id, changed: a.changed })),
      );
      emit(!!opts.json, rows, () =>
        rows.length ? table(rows, ['tenant', 'migration', 'changed']) : 'nothing to migrate',
      );
    });
}
