import { randomBytes } from 'node:crypto';

import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import { GROUP_HOME, sessions } from '../middleware.tsx';
import { SignIn } from '../pages/signin.tsx';
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from '../session.ts';
import { APP_CSS } from '../styles.ts';

/** Cookie of the sign-in form's CSRF token (double submit: cookie and hidden field must match). */
const SIGNIN_COOKIE = 'dl_signin';
const cookieBase = { httpOnly: true, sameSite: 'Strict', path: '/' } as const;

/** Only local paths under /ui are followed after sign-in (no open redirect). */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/ui(\/[\w\-/]*)?$/.test(next) ? next : '/ui';

/** Sign-in, sign-out and the stylesheet: the parts of /ui that need no session. */
export function authRoutes(): Hono {
  const app = new Hono();
  app.get('/ui/assets/app.css', (c) =>
    c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }),
  );
  const form = (c: Context, error?: string, status = 200) => {
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, SIGNIN_COOKIE, csrf, { ...cookieBase, path: '/ui/signin', maxAge: 1800 });
    return c.html(
      <SignIn csrf={csrf} next={safeNext(c.req.query('next'))} error={error} />,
      status as 200,
    );
  };
  app.get('/ui/signin', (c) =>
    form(
      c,
      c.req.query('link') === 'expired'
        ? 'That sign-in link was used or has expired. Sign in with an API key.'
        : undefined,
    ),
  );
  app.post('/ui/signin', async (c) => {
    const body = await c.req.parseBody();
    const expected = getCookie(c, SIGNIN_COOKIE);
    if (!expected || body._csrf !== expected)
      return form(c, 'The form expired. Please sign in again.', 403);
    const key = await c.get('hub').apiKeys.verify(String(body.apiKey ?? '').trim());
    if (!key) return form(c, 'That API key is not valid (or was revoked).', 401);
    if (key.scope === 'hub')
      return form(c, 'Hub keys work through the API; sign in with a store or group key.', 403);
    const s = await sessions(c).create(key);
    deleteCookie(c, SIGNIN_COOKIE, { path: '/ui/signin' });
    setCookie(c, SESSION_COOKIE, s.id, { ...cookieBase, maxAge: SESSION_TTL_SECONDS });
    return c.redirect(key.scope === 'group' ? GROUP_HOME : safeNext(body.next), 303);
  });
  return app;
}

/** Sign-out (behind the session check, so it needs the CSRF token). */
export function signOutRoute(): Hono {
  const app = new Hono();
  app.post('/ui/signout', async (c) => {
    await sessions(c).destroy(c.get('ui').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/ui/signin', 303);
  });
  return app;
}
