import type { Command } from 'commander';
import { z } from 'zod';

import { ROLES, type Role } from '../auth/roles.ts';
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

/** `apikey create|list`. */
function addApiKeyCreateList(apikey: Command): void {
  apikey
    .command('create')
    .description('Create an API key; the token is printed once')
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--json', 'output JSON')
    .action(async (opts: { tenant: string; role: string; name: string; json?: boolean }) => {
      const role = z
        .enum(ROLES, { message: `--role must be one of ${ROLES.join(', ')}` })
        .parse(opts.role) as Role;
      const created = await withHub(async (hub) => {
        await hub.tenants.get(opts.tenant);
        return hub.apiKeys.create(opts.tenant, role, opts.name);
      });
      emit(!!opts.json, created, () =>
        [
          `created ${role} key ${created.key.id} for ${opts.tenant}`,
          `token (shown once): ${created.token}`,
        ].join('\n'),
      );
    });
  apikey
    .command('list')
    .description("List a tenant's API keys")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      const all = await withHub((hub) => hub.apiKeys.list(opts.tenant));
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
  apikey
    .command('revoke <keyId>')
    .description('Revoke an API key')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (keyId: string, opts: { tenant: string; json?: boolean }) => {
      const k = await withHub((hub) => hub.apiKeys.revoke(opts.tenant, keyId));
      emit(!!opts.json, k, () => `revoked key ${k.id}`);
    });
  apikey
    .command('login-link <keyId>')
    .description(
      `A one-time dashboard sign-in link for a key (valid ${LOGIN_LINK_TTL_SECONDS / 60} minutes)`,
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--url <base>', 'the hub as the browser reaches it (default http://HOST:PORT)')
    .option('--json', 'output JSON')
    .action(async (keyId: string, opts: { tenant: string; url?: string; json?: boolean }) => {
      const url = await withHub(async (hub) => {
        const key = await hub.apiKeys.live(keyId);
        if (!key || key.tenantId !== opts.tenant)
          throw new Error(`no live API key ${keyId} in tenant ${opts.tenant}`);
        const token = await new LoginLinks(hub.redis, hub.keys).create(key.id);
        return loginLinkUrl(opts.url ?? `http://${hub.config.HOST}:${hub.config.PORT}`, token);
      });
      emit(!!opts.json, { url }, () => url);
    });
}
