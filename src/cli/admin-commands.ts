import type { Command } from 'commander';
import { z } from 'zod';

import { GROUP_ROLES, ROLES, type Role } from '../auth/roles.ts';
import { owns, type KeyOwner, type KeyScope } from '../store/api-keys.ts';
import { ID_PATTERN } from '../store/keys.ts';
import { TenantSettingsSchema } from '../tenants/settings.ts';
import { LOGIN_LINK_TTL_SECONDS, LoginLinks, loginLinkUrl } from '../ui/login-link.ts';
import { emit, table } from './output.ts';
import { registerSettingsCommands } from './settings-commands.ts';
import { withHub } from './with-hub.ts';

const TenantInput = z.object({
  id: z
    .string()
    .regex(
      ID_PATTERN,
      'tenant id: lowercase letters, digits, "_" or "-" (at most 63), e.g. acme-ford',
    ),
  name: z.string().min(1, 'name is required'),
  group: z.string().min(1).optional(),
  timezone: TenantSettingsSchema.shape.timeZone.removeDefault(),
});

/** `tenant create|list` and `apikey create|list|revoke`. */
export function registerAdminCommands(program: Command): void {
  registerTenantCommands(program);
  const apikey = program.command('apikey').description('Manage API keys');
  addApiKeyCreateList(apikey);
  addApiKeyRevokeLink(apikey);
}

/** `tenant create|list` and the settings commands. */
function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants (dealership stores)');
  tenant
    .command('create <id>')
    .description('Create a tenant')
    .requiredOption('--name <name>', 'display name, e.g. "Acme Ford"')
    .option('--group <group>', 'dealer group the store belongs to')
    .option('--timezone <tz>', 'IANA time zone of the store', 'America/Chicago')
    .option('--json', 'output JSON')
    .action(
      async (
        id: string,
        opts: { name: string; group?: string; timezone: string; json?: boolean },
      ) => {
        const input = TenantInput.parse({
          id,
          name: opts.name,
          group: opts.group,
          timezone: opts.timezone,
        });
        const t = await withHub((hub) => hub.tenants.create(input));
        emit(!!opts.json, t, () => `created tenant ${t.id} (${t.name})`);
      },
    );
  tenant
    .command('list')
    .description('List tenants')
    .option('--json', 'output JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await withHub((hub) => hub.tenants.list());
      emit(!!opts.json, all, () =>
        table(all as unknown as Record<string, unknown>[], ['id', 'name', 'group', 'timezone']),
      );
    });

  registerSettingsCommands(tenant);
}

/** The options that say whose key it is: exactly one of them. */
interface OwnerOpts {
  tenant?: string;
  group?: string;
  hub?: boolean;
}

/** The key owner the options name; refuses none or more than one. */
function ownerOf(o: OwnerOpts): KeyOwner {
  const given = [o.tenant && 'tenant', o.group && 'group', o.hub && 'hub'].filter(Boolean);
  if (given.length !== 1)
    throw new Error('give exactly one of --tenant <id>, --group <id> or --hub');
  if (o.hub) return { scope: 'hub', id: '' };
  return o.group ? { scope: 'group', id: o.group } : { scope: 'tenant', id: o.tenant! };
}

/** Roles each scope's keys may have: group keys are read-only, hub keys manage groups. */
const SCOPE_ROLES: Record<KeyScope, readonly Role[]> = {
  tenant: ROLES,
  group: GROUP_ROLES,
  hub: ['admin'],
};

/** `--tenant`, `--group`, `--hub` on a command. */
const withOwner = (cmd: Command) =>
  cmd
    .option('--tenant <id>', "a store's key")
    .option('--group <id>', "a tenant group's key (reads the group's and its stores' reports)")
    .option('--hub', 'an operator key of the hub (creates and changes tenant groups)');

/** `apikey create|list`. */
function addApiKeyCreateList(apikey: Command): void {
  withOwner(apikey.command('create').description('Create an API key; the token is printed once'))
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--json', 'output JSON')
    .action(async (opts: OwnerOpts & { role: string; name: string; json?: boolean }) => {
      const owner = ownerOf(opts);
      const allowed = SCOPE_ROLES[owner.scope];
      const role = z
        .enum(allowed as [Role, ...Role[]], {
          message: `--role of a ${owner.scope} key must be one of ${allowed.join(', ')}`,
        })
        .parse(opts.role);
      const created = await withHub(async (hub) => {
        if (owner.scope === 'tenant') await hub.tenants.get(owner.id);
        if (owner.scope === 'group') await hub.groups.get(owner.id);
        return hub.apiKeys.createFor(owner, role, opts.name);
      });
      const whose = owner.scope === 'hub' ? 'the hub' : `${owner.scope} ${owner.id}`;
      emit(!!opts.json, created, () =>
        [
          `created ${role} key ${created.key.id} for ${whose}`,
          `token (shown once): ${created.token}`,
        ].join('\n'),
      );
    });
  withOwner(apikey.command('list').description('List the API keys of a tenant, a group or the hub'))
    .option('--json', 'output JSON')
    .action(async (opts: OwnerOpts & { json?: boolean }) => {
      const all = await withHub((hub) => hub.apiKeys.listOf(ownerOf(opts)));
      emit(!!opts.json, all, () =>
        table(all as unknown as Record<string, unknown>[], [
          'id',
          'role',
          'name',
          'createdAt',
          'revokedAt',
        ]),
      );
    });
}

/** `apikey revoke|login-link`. */
function addApiKeyRevokeLink(apikey: Command): void {
  withOwner(apikey.command('revoke <keyId>').description('Revoke an API key'))
    .option('--json', 'output JSON')
    .action(async (keyId: string, opts: OwnerOpts & { json?: boolean }) => {
      const k = await withHub((hub) => hub.apiKeys.revokeFor(ownerOf(opts), keyId));
      emit(!!opts.json, k, () => `revoked key ${k.id}`);
    });
  withOwner(
    apikey
      .command('login-link <keyId>')
      .description(
        `A one-time dashboard sign-in link for a store's or a group's key (valid ${LOGIN_LINK_TTL_SECONDS / 60} minutes)`,
      ),
  )
    .option('--url <base>', 'the hub as the browser reaches it (default http://HOST:PORT)')
    .option('--json', 'output JSON')
    .action(async (keyId: string, opts: OwnerOpts & { url?: string; json?: boolean }) => {
      const owner = ownerOf(opts);
      if (owner.scope === 'hub')
        throw new Error('hub keys cannot sign in to the dashboard: give --tenant or --group');
      const url = await withHub(async (hub) => {
        const key = await hub.apiKeys.live(keyId);
        if (!key || !owns(owner, key))
          throw new Error(`no live API key ${keyId} in ${owner.scope} ${owner.id}`);
        const token = await new LoginLinks(hub.redis, hub.keys).create(key.id);
        return loginLinkUrl(opts.url ?? `http://${hub.config.HOST}:${hub.config.PORT}`, token);
      });
      emit(!!opts.json, { url }, () => url);
    });
}
