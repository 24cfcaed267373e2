import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Role } from '../auth/roles.ts';
import type { Keys } from '../store/keys.ts';

/** How long a dashboard session lasts without use (each request renews it). */
export const SESSION_TTL_SECONDS = 8 * 3600;
/** Name of the session cookie (httpOnly, SameSite=Strict, path /). */
export const SESSION_COOKIE = 'dl_session';

/** A signed-in dashboard user: the API key they signed in with, and the form token of the session. */
export interface UiSession {
  id: string;
  keyId: string;
  /** The store of a store key's session; `''` for a group key's. */
  tenantId: string;
  /** The tenant group of a group key's session (it sees the group's reports only); else absent. */
  groupId?: string;
  role: Role;
  keyName: string;
  /** Every form posts it back (`_csrf`); a request without it is refused. */
  csrf: string;
  createdAt: string;
}

const token = () => randomBytes(32).toString('base64url');

/** Dashboard sessions in Redis, one string per session with a sliding TTL. */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Starts a session for a verified key. */
  async create(key: {
    id: string;
    tenantId: string;
    groupId?: string | null;
    role: Role;
    name: string;
  }): Promise<UiSession> {
    const s: UiSession = {
      id: token(),
      keyId: key.id,
      tenantId: key.tenantId,
      ...(key.groupId ? { groupId: key.groupId } : {}),
      role: key.role,
      keyName: key.name,
      csrf: token(),
      createdAt: new Date().toISOString(),
    };
    await this.redis.set(this.k.uiSession(s.id), JSON.stringify(s), 'EX', SESSION_TTL_SECONDS);
    return s;
  }

  /** The session, renewed, or null when unknown or expired. */
  async get(id: string): Promise<UiSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const key = this.k.uiSession(id);
    const [[, text]] = (await this.redis
      .multi()
      .get(key)
      .expire(key, SESSION_TTL_SECONDS)
      .exec()) as [[unknown, string | null]];
    return text ? (JSON.parse(text) as UiSession) : null;
  }

  /** Ends a session (sign out, or its key was revoked). */
  async destroy(id: string): Promise<void> {
    await this.redis.del(this.k.uiSession(id));
  }
}

/** Constant-time comparison of a posted CSRF token with the session's. */
export function csrfMatches(session: UiSession, posted: unknown): boolean {
  if (typeof posted !== 'string' || posted.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(posted), Buffer.from(session.csrf));
}
