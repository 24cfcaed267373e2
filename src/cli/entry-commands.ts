import type { Command } from 'commander';

import { emit, table } from './output.ts';
import { jsonOption, withEngine } from './with-hub.ts';

/** `quarantine list|show|replay|discard` and `deadletter list|replay|discard`. */
export function registerEntryCommands(program: Command): void {
  for (const [name, store, what] of [
    ['quarantine', 'quarantine', 'Records the hub refused, with the reasons'],
    ['deadletter', 'deadLetters', 'Outbound records that kept failing'],
  ] as const) {
    const cmd = program.command(name).description(what);
    cmd
      .command('list')
      .description('List entries')
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--sync <id>', 'only this sync')
      .option('--json', 'output JSON')
      .action(async (o: { tenant: string; sync?: string; json?: boolean }) => {
        const all = await withEngine((e) => e.service.svc[store].list(o.tenant, o.sync));
        const flat = all.map((x) => ({
          ...x,
          reasons: x.problems.map((p) => `${p.field}: ${p.reason}`).join('; '),
        }));
        emit(!!o.json, all, () =>
          table(flat as unknown as Record<string, unknown>[], [
            'id',
            'syncId',
            'direction',
            'externalKey',
            'reasons',
            'at',
          ]),
        );
      });
    cmd
      .command('show <entryId>')
      .description('One entry with its record')
      .requiredOption('--tenant <id>', 'tenant id')
      .action(async (id: string, o: { tenant: string }) => {
        const x = await withEngine((e) => e.service.svc[store].get(o.tenant, id));
        emit(true, x, () => '');
      });
    cmd
      .command('discard <entryId>')
      .description('Discard an entry')
      .requiredOption('--tenant <id>', 'tenant id')
      .action(async (id: string, o: { tenant: string }) => {
        await withEngine((e) => e.service.svc[store].remove(o.tenant, id));
        emit(false, null, () => `discarded ${id}`);
      });
    cmd
      .command('replay <entryId>')
      .description(name === 'quarantine' ? 'Replay, optionally with a fixed record' : 'Send again')
      .requiredOption('--tenant <id>', 'tenant id')
      .option('--record <json>', 'the corrected record, JSON or @file.json (quarantine only)')
      .option('--json', 'output JSON')
      .action(async (id: string, o: { tenant: string; record?: string; json?: boolean }) => {
        const fixed = jsonOption(o.record, '--record');
        const r = await withEngine(async (e) =>
          name === 'quarantine'
            ? e.service.replayQuarantined(o.tenant, id, fixed)
            : (await e.service.replayDeadLetter(o.tenant, id), { replayed: true, entry: null }),
        );
        emit(!!o.json, r, () =>
          r.replayed
            ? `replayed ${id}`
            : `still refused: ${r.entry?.problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`,
        );
        if (!r.replayed) process.exitCode = 1;
      });
  }
}
