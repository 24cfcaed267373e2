import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';

import { LoginLinks } from '../login-link.ts';
import { GROUP_HOME, sessions } from '../middleware.tsx';
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from '../session.ts';

/**
 * `GET /ui/login/<token>`: a one-time sign-in link (`dealerloop apikey login-link`, or the
 * demo's ready line). A live link of a store's or a group's key starts a session of that key
 * (the same httpOnly, SameSite=Strict cookie as the sign-in form) and goes to the store's
 * overview or the group's report; a used, expired or unknown one, or a hub key's, goes to the
 * sign-in form.
 */
export function loginLinkRoutes(): Hono {
  const app = new Hono();
  app.get('/ui/login/:token', async (c) => {
    const hub = c.get('hub');
    const keyId = await new LoginLinks(hub.redis, hub.keys).take(c.req.param('token'));
    const key = keyId ? await hub.apiKeys.live(keyId) : null;
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    if (!key || key.scope === 'hub') return c.redirect('/ui/signin?link=expired', 303);
    const s = await sessions(c).create(key);
    setCookie(c, SESSION_COOKIE, s.id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: SESSION_TTL_SECONDS,
    });
    return c.redirect(key.scope === 'group' ? GROUP_HOME : '/ui', 303);
  });
  return app;
}
