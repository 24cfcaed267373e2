import type { Command } from 'commander';

import { rebuildTenant } from '../archive/rebuild.ts';
import { emit, table } from './output.ts';
import { withEngine } from './with-hub.ts';

/**
 * `rebuild --tenant <id>`: rebuild a tenant's records, indexes, links, open quarantine and dead
 * letters from the archive.
 */
export function registerRebuildCommands(program: Command): void {
  program
    .command('rebuild')
    .description(
      "Rebuild a tenant's canonical records, indexes, links, open quarantine and dead letters from the archive",
    )
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--json', 'output JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const tty = process.stderr.isTTY && !opts.json;
      const report = await withEngine((engine) =>
        rebuildTenant(engine.service.svc, opts.tenant, (done, total) => {
          if (tty) process.stderr.write(`\r\x1b[2Kpages: ${done} of ${total}`);
        }),
      );
      if (tty) process.stderr.write('\n');
      emit(!!opts.json, report, () => {
        const head = `${report.tenantId}: ${report.pages} pages, ${report.records} records replayed, ${report.problems} field problems met again, ${report.quarantine} quarantine entries and ${report.deadLetters} dead letters restored, ${report.skipped.length} skipped`;
        return report.skipped.length
          ? `${head}\n${table(report.skipped, ['key', 'reason'])}`
          : head;
      });
    });
}
