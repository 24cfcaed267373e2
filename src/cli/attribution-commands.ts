import type { Command } from 'commander';

import { z } from 'zod';

import { DAILY_EXPORT_CRON } from '../attribution/jobs.ts';
import type { RecomputeProgress } from '../attribution/recompute.ts';
import { MODELS } from '../attribution/types.ts';
import { emit } from './output.ts';
import { ProgressDisplay } from './progress-display.ts';
import { withHub } from './with-hub.ts';

/** One line of a recompute's progress, for people. */
export function describeRecompute(p: RecomputeProgress): string {
  const pct = p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
  const sales = p.sales !== undefined ? `, ${p.sales} sales attributed` : '';
  const error = p.error ? `: ${p.error}` : '';
  return `${p.state} · ${p.phase} · ${p.done} of ${p.total} records${pct}${sales}${error}`;
}

/** `attribution recompute` (inline with progress, or `--queue` for the workers) and `attribution status`. */
export function registerAttributionCommands(program: Command): void {
  const attribution = program.command('attribution').description('Attribution maintenance');
  attribution
    .command('recompute')
    .description('Re-attribute every sale of a tenant from the stored records, showing progress')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--queue', 'leave it to the workers (follow it with `attribution status`)')
    .option(
      '--from-records',
      'read every stored record (not the live generation\'s "seen" entries)',
    )
    .action(recompute);
  attribution
    .command('schedule-export')
    .description("Export the previous day's attribution report to the archive every day")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--model <model...>', 'models to export', ['last_touch'])
    .option('--cron <pattern>', "cron pattern in the tenant's time zone", DAILY_EXPORT_CRON)
    .option('--off', 'remove the daily export')
    .action(async (o: { tenant: string; model: string[]; cron: string; off?: boolean }) => {
      await withHub(async (hub) => {
        await hub.tenants.get(o.tenant);
        if (o.off) {
          await hub.attributionJobs.unscheduleExport(o.tenant);
          process.stdout.write('daily export removed\n');
          return;
        }
        const models = o.model.map((m) => z.enum(MODELS).parse(m));
        await hub.attributionJobs.scheduleExport(o.tenant, models, o.cron);
        process.stdout.write(`daily export of ${models.join(', ')} at "${o.cron}"\n`);
      });
    });
  attribution
    .command('status')
    .description("Whether a tenant's attribution is up to date, and the last recompute's progress")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const status = await withHub(async (hub) => {
        await hub.tenants.get(o.tenant);
        const [behind, recompute] = await Promise.all([
          hub.attribution.follower.behind(o.tenant),
          hub.attribution.follower.progress(o.tenant),
        ]);
        return { behind, recompute };
      });
      emit(!!o.json, status, () =>
        [
          status.behind ? 'behind: changes or a recompute are waiting for a worker' : 'up to date',
          `last recompute: ${status.recompute ? describeRecompute(status.recompute) : '(none)'}`,
        ].join('\n'),
      );
    });
}

/** `attribution recompute`: queued for the workers, or here with a progress display. */
async function recompute(o: { tenant: string; queue?: boolean; fromRecords?: boolean }) {
  await withHub(async (hub) => {
    await hub.tenants.get(o.tenant);
    if (o.queue) {
      process.stdout.write(`queued ${await hub.attributionJobs.recompute(o.tenant)}\n`);
      return;
    }
    const display = new ProgressDisplay(`recompute ${o.tenant}`);
    try {
      const show = async (p: RecomputeProgress) => {
        display.update(describeRecompute(p), p.done, p.total);
      };
      // The tenant's lock, as a worker's job takes it: refused while one works on the tenant.
      const n = await hub.attributionJobs.recomputeHere(o.tenant, show, {
        fromRecords: o.fromRecords,
      });
      display.stop();
      process.stdout.write(`attributed ${n} sales\n`);
    } finally {
      display.stop();
    }
  });
}
