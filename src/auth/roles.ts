/** Roles an API key can have, from most to least powerful. */
export const ROLES = ['admin', 'it', 'marketing', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a tenant group's key may have: group keys are read-only (they read reports). */
export const GROUP_ROLES = ['marketing', 'viewer'] as const satisfies readonly Role[];

/** What a request may do. Routes name one permission each. */
export type Permission =
  | 'tenant:read'
  | 'tenant:write'
  | 'apikeys:manage'
  | 'connections:read'
  | 'connections:write'
  | 'syncs:read'
  | 'syncs:write'
  | 'reports:read';

/**
 * The permission matrix. IT runs connections and syncs; marketing reads reports and sync health
 * and sets the tenant's attribution settings; viewers read (the reports too: a viewer is the
 * read-only seat of marketing or a GM, so a viewer's group key reads its group's reports) and
 * change nothing; only admins manage API keys.
 */
const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    'tenant:read',
    'tenant:write',
    'apikeys:manage',
    'connections:read',
    'connections:write',
    'syncs:read',
    'syncs:write',
    'reports:read',
  ],
  it: [
    'tenant:read',
    'tenant:write',
    'connections:read',
    'connections:write',
    'syncs:read',
    'syncs:write',
    'reports:read',
  ],
  marketing: ['tenant:read', 'tenant:write', 'connections:read', 'syncs:read', 'reports:read'],
  viewer: ['tenant:read', 'connections:read', 'syncs:read', 'reports:read'],
};

/** True when `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
