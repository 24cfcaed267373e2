import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';

import { AREAS, maySee, type Area } from './access.ts';
import { Document } from './layout.tsx';
import { csrfMatches, SESSION_COOKIE, SessionStore, type UiSession } from './session.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** The dashboard session of the request (under /ui, once signed in). */
    ui: UiSession;
    /** The posted form of a dashboard POST (already CSRF-checked). */
    form: Record<string, string | string[]>;
  }
}

/** The dashboard's session store on the request's hub. */
export const sessions = (c: Context) => new SessionStore(c.get('hub').redis, c.get('hub').keys);

/**
 * Requires a live dashboard session: without one a GET goes to the sign-in page, anything else
 * answers 401. A session whose API key was revoked ends at once. POSTs must carry the session's
 * CSRF token (`_csrf`) and come from this origin; the parsed form is left in `form`.
 */
export function sessionAuth(): MiddlewareHandler {
  return async function sessionAuth(c, next) {
    const id = getCookie(c, SESSION_COOKIE) ?? '';
    const store = sessions(c);
    const s = id ? await store.get(id) : null;
    const key = s ? await c.get('hub').apiKeys.live(s.keyId) : null;
    if (!s || !key) {
      if (s) await store.destroy(s.id);
      if (c.req.method === 'GET')
        return c.redirect(`/ui/signin?next=${encodeURIComponent(c.req.path)}`);
      return c.text('Sign in first', 401);
    }
    c.set('ui', { ...s, role: key.role });
    if (s.groupId) {
      const refused = await groupGate(c, s.groupId);
      if (refused) return refused;
    }
    if (c.req.method === 'POST') {
      const origin = c.req.header('origin');
      const form = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>;
      if (!csrfMatches(s, form._csrf) || (origin && origin !== new URL(c.req.url).origin))
        return c.html(
          <Refused
            title="Form expired"
            text="This form is stale or came from another site. Reload the page and try again."
          />,
          403,
        );
      c.set('form', form);
    }
    await next();
  };
}

/** The home page of a group key's session: the group's attribution report. */
export const GROUP_HOME = '/ui/group';

/** Paths a group session may open: the group's pages, a member store's reports, the pages' scripts, sign-out. */
const GROUP_PATH = /^\/ui\/(group(\/.*)?|signout|assets\/[\w.-]+)$/;
const STORE_PATH = /^\/ui\/group\/stores\/([^/]+)\//;

/**
 * Keeps a group key's session on its group: `/ui` goes to the group report, a store's pages
 * need the store to be a member now, and a store-only page is refused with a page saying why.
 * Returns the answer of a refused request, or null.
 */
async function groupGate(c: Context, groupId: string): Promise<Response | null> {
  if (c.req.path === '/ui') return c.redirect(GROUP_HOME);
  const store = STORE_PATH.exec(c.req.path)?.[1];
  const member = store ? await c.get('hub').groups.hasMember(groupId, store) : true;
  if (GROUP_PATH.test(c.req.path) && member) return null;
  const text = member
    ? `A key of group ${groupId} sees the group's reports and its stores' attribution; this page is for a store's own key.`
    : `Store ${store} is not a member of group ${groupId}.`;
  return c.html(<Refused title="Not for a group key" text={text} />, 403);
}

/** Refuses (403, with a page saying why) a role that may not see `area`. */
export function requireArea(area: Area): MiddlewareHandler {
  return async function requireArea(c, next) {
    const s = c.get('ui');
    if (!maySee(s.role, area))
      return c.html(
        <Refused
          title="Not for your role"
          text={`The “${s.role}” role cannot open this page: it needs the ${AREAS[area]} permission. Ask an admin of ${s.groupId ?? s.tenantId} for a key with that role.`}
        />,
        403,
      );
    await next();
  };
}

/** The page of a refused request. */
function Refused(props: { title: string; text: string }) {
  return (
    <Document title={props.title}>
      <div class="center">
        <main class="signin" id="content">
          <h1>{props.title}</h1>
          <p role="alert">{props.text}</p>
          <p>
            <a class="btn" href="/ui">
              Back to the overview
            </a>
          </p>
        </main>
      </div>
    </Document>
  );
}
