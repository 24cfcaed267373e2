import { randomBytes } from 'node:crypto';

import type { Redis } from 'ioredis';

import type { Keys } from '../store/keys.ts';

/** How long a one-time sign-in link stays valid. */
export const LOGIN_LINK_TTL_SECONDS = 15 * 60;
/** Path of the links: `/ui/login/<token>`. */
export const LOGIN_LINK_PATH = '/ui/login/';

/**
 * One-time dashboard sign-in links: a random token standing for an API key, usable once (taken
 * with GETDEL) within {@link LOGIN_LINK_TTL_SECONDS}. Following it starts an ordinary session
 * of that key, which still ends when the key is revoked.
 */
export class LoginLinks {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** A new link token for a key. */
  async create(keyId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(
      this.k.uiLoginLink(token),
      JSON.stringify({ keyId }),
      'EX',
      LOGIN_LINK_TTL_SECONDS,
    );
    return token;
  }

  /** The key id of a token, which is used up; null when unknown, used or expired. */
  async take(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const text = await this.redis.getdel(this.k.uiLoginLink(token));
    return text ? (JSON.parse(text) as { keyId: string }).keyId : null;
  }
}

/** The full URL of a link token on a hub at `baseUrl`. */
export const loginLinkUrl = (baseUrl: string, token: string) =>
  `${baseUrl.replace(/\/+$/, '')}${LOGIN_LINK_PATH}${token}`;
