import type { Command } from 'commander';

import { GroupCreateSchema } from '../api/routes/schemas.ts';
import { storeInfos } from '../attribution/group-report.ts';
import type { TenantGroup } from '../store/groups.ts';
import { emit, table } from './output.ts';
import { withHub } from './with-hub.ts';

/** A group for people: its id, name and members. */
const groupText = (g: TenantGroup) =>
  `group ${g.id} (${g.name}): ${g.members.length ? g.members.join(', ') : 'no stores'}`;

/** `group create|add|remove|delete|list|show`: tenant groups, stores reported on together. */
export function registerGroupCommands(program: Command): void {
  const group = program
    .command('group')
    .description('Manage tenant groups (stores reported on together)');
  group
    .command('create <id>')
    .description('Create a tenant group')
    .requiredOption('--name <name>', 'display name, e.g. "Lone Star Auto Group"')
    .option('--tenant <ids...>', 'first member stores (tenant ids)')
    .option('--json', 'output JSON')
    .action(async (id: string, o: { name: string; tenant?: string[]; json?: boolean }) => {
      const input = GroupCreateSchema.parse({ id, name: o.name, members: o.tenant ?? [] });
      const g = await withHub((hub) => hub.groups.create(input));
      emit(!!o.json, g, () => `created ${groupText(g)}`);
    });
  const change = (name: 'add' | 'remove', description: string) =>
    group
      .command(`${name} <id> <tenantIds...>`)
      .description(description)
      .option('--json', 'output JSON')
      .action(async (id: string, tenantIds: string[], o: { json?: boolean }) => {
        const g = await withHub((hub) => hub.groups[name](id, tenantIds));
        emit(!!o.json, g, () => groupText(g));
      });
  change('add', 'Add stores (tenant ids) to a group');
  change('remove', 'Remove stores (tenant ids) from a group: they leave its reports at once');
  group
    .command('delete <id>')
    .description('Delete a group and revoke its keys (its stores and their data stay)')
    .option('--json', 'output JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const done = await withHub((hub) => hub.groups.delete(id));
      emit(!!o.json, done, () =>
        [
          `deleted ${groupText(done.group)}; the stores stay`,
          `revoked ${done.revokedKeys.length} group key(s)${done.revokedKeys.length ? `: ${done.revokedKeys.join(', ')}` : ''}`,
        ].join('\n'),
      );
    });
  group
    .command('list')
    .description('List tenant groups')
    .option('--json', 'output JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await withHub((hub) => hub.groups.list());
      const rows = all.map((g) => ({ ...g, members: g.members.join(' ') }));
      emit(!!o.json, all, () => table(rows, ['id', 'name', 'members', 'createdAt']));
    });
  group
    .command('show <id>')
    .description('A group and its stores, with their time zones and currencies')
    .option('--json', 'output JSON')
    .action(showGroup);
}

/** `group show`: the group and each store's name, time zone and currency. */
async function showGroup(id: string, o: { json?: boolean }) {
  const shown = await withHub(async (hub) => {
    const g = await hub.groups.get(id);
    return { ...g, stores: await storeInfos(hub, g) };
  });
  emit(!!o.json, shown, () =>
    [
      `group ${shown.id} (${shown.name}), created ${shown.createdAt}`,
      table(shown.stores as unknown as Record<string, unknown>[], [
        'tenantId',
        'name',
        'timeZone',
        'currency',
      ]),
    ].join('\n'),
  );
}
