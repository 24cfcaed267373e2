import type { Migration, MigrationContext } from './types.ts';

/** The ADF connector's id (connectors/adf-crm). */
const ADF_CONNECTOR = 'adf-crm';
/** The setting that is a secret when the intake has no authentication of its own. */
const SECRET_URL_FIELD = 'leadIntakeUrl';

/**
 * Moves the lead-intake URL of ADF connections without authentication (`auth: none`: the URL
 * is the secret, a token in its path) from their plain settings into the sealed `leadIntakeUrl`
 * credential, and drops it from the settings. Connections made before the credential existed
 * kept it in the settings, shown by every connection read. A connection whose credential is
 * already set keeps that one (it was the URL in use) and loses only the setting. Each connection
 * changes in one compare-and-set, and one without the setting is left alone, so a run after a
 * crash half-way is safe. Connections with basic or header auth keep their URL as a setting: it
 * is not their secret.
 */
export const adfSecretUrlMigration: Migration = {
  id: '006-adf-secret-url',
  description:
    'move the secret lead-intake URL of ADF connections without auth into the sealed credentials',
  async run(ctx: MigrationContext) {
    const { redis, keys, tenantId, connections, log } = ctx;
    if (!connections) throw new Error('006-adf-secret-url needs the connection store');
    let changed = 0;
    const ids = (await redis.smembers(keys.connections(tenantId))).sort();
    for (const [i, id] of ids.entries()) {
      const [connectorId, settingsText] = await redis.hmget(
        keys.connection(tenantId, id),
        'connectorId',
        'settings',
      );
      if (connectorId === ADF_CONNECTOR && settingsText && isSecretUrl(settingsText)) {
        const moved = await connections.sealSettings(tenantId, id, [SECRET_URL_FIELD]);
        if (moved.length) {
          changed++;
          log.info({ tenantId, connectionId: id }, 'ADF lead-intake URL moved to the credentials');
        }
      }
      ctx.progress?.(i + 1, ids.length);
    }
    return { changed };
  },
};

/** Whether stored settings hold an intake URL that is the connection's only secret. */
function isSecretUrl(settingsText: string): boolean {
  let settings: { auth?: { type?: unknown }; [SECRET_URL_FIELD]?: unknown };
  try {
    settings = JSON.parse(settingsText) as typeof settings;
  } catch {
    return false; // not JSON: connection reads name the field; nothing to move
  }
  return settings.auth?.type === 'none' && typeof settings[SECRET_URL_FIELD] === 'string';
}
