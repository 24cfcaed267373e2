/**
 * The one place that formats Redis keys. Every key of a tenant carries the hash tag `{tenantId}`,
 * so all of a tenant's keys live in one Redis Cluster slot.
 *
 * @example
 * const k = keys('dl');
 * k.connection('acme-motors', 'c_123'); // 'dl:{acme-motors}:conn:c_123'
 */
export function keys(prefix: string) {
  const t = (tenantId: string, rest: string) => `${prefix}:{${tenantId}}:${rest}`;
  return {
    prefix,
    /** Set of all tenant ids (global index). */
    tenants: () => `${prefix}:tenants`,
    /** Hash: the tenant's profile. */
    tenant: (tenantId: string) => t(tenantId, 'tenant'),
    /** Hash: one API key's record, found by its public id (global, since auth starts from the key). */
    apiKey: (keyId: string) => `${prefix}:apikey:${keyId}`,
    /** Set: ids of the tenant's API keys. */
    tenantApiKeys: (tenantId: string) => t(tenantId, 'apikeys'),
    /** Hash: one connection. */
    connection: (tenantId: string, connectionId: string) => t(tenantId, `conn:${connectionId}`),
    /** Set: ids of the tenant's connections. */
    connections: (tenantId: string) => t(tenantId, 'conns'),
    /** Prefix for BullMQ queue keys (BullMQ appends its own parts). */
    queuePrefix: () => `${prefix}:q`,
  };
}

export type Keys = ReturnType<typeof keys>;

/** Tenant and record ids: short, URL-safe, and free of Redis hash-tag braces. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
