import { can, type Permission, type Role } from '../auth/roles.ts';

/**
 * The dashboard's areas and the API permission each needs (roles as in src/auth/roles.ts): sync
 * health and fixing records are for those who run syncs (IT, admin); set-up for those who manage
 * connections; reports for everyone holding `reports:read` (every role: viewer, marketing, IT, admin).
 */
export const AREAS = {
  health: 'syncs:write',
  setup: 'connections:write',
  reports: 'reports:read',
} as const satisfies Record<string, Permission>;

/** A dashboard area. */
export type Area = keyof typeof AREAS;

/** True when `role` may see `area`. */
export function maySee(role: Role, area: Area): boolean {
  return can(role, AREAS[area]);
}
