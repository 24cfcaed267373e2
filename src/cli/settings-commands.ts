import type { Command } from 'commander';

import { SETTING_NAMES, TenantSettingsSchema } from '../tenants/settings.ts';
import { emit, table } from './output.ts';
import { withHub } from './with-hub.ts';

/**
 * Turns `key=value` arguments into a settings patch. Values that look like numbers become numbers;
 * the settings schema then judges every value (the CLI has no rules of its own).
 */
export function parseAssignments(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`"${pair}": expected key=value, e.g. lookbackDays=60`);
    const value = pair.slice(eq + 1);
    patch[pair.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return patch;
}

/** The settings as a two-column table: name, value, and what it means. */
function settingsTable(settings: Record<string, unknown>): string {
  return table(
    SETTING_NAMES.map((name) => ({
      setting: name,
      value: settings[name],
      meaning: TenantSettingsSchema.shape[name].description ?? '',
    })),
    ['setting', 'value', 'meaning'],
  );
}

/** `tenant show <id>` and `tenant set <id> key=value...`, under the existing `tenant` command. */
export function registerSettingsCommands(tenant: Command): void {
  tenant
    .command('show <id>')
    .description("Show a tenant's closed-loop settings (defaults filled in)")
    .option('--json', 'output JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const settings = await withHub(async (hub) => {
        await hub.tenants.get(id);
        return hub.settings.get(id);
      });
      emit(!!opts.json, settings, () => settingsTable(settings));
    });
  tenant
    .command('set <id> <assignments...>')
    .description(
      `Change settings, e.g. lookbackDays=60 timeZone=America/Denver (${SETTING_NAMES.join(', ')})`,
    )
    .option('--json', 'output JSON')
    .action(async (id: string, assignments: string[], opts: { json?: boolean }) => {
      const patch = parseAssignments(assignments);
      const change = await withHub(async (hub) => {
        await hub.tenants.get(id);
        return hub.settings.update(id, patch);
      });
      emit(!!opts.json, change.after, () =>
        [
          change.changed.length ? `changed: ${change.changed.join(', ')}` : 'nothing changed',
          settingsTable(change.after),
        ].join('\n'),
      );
    });
}
