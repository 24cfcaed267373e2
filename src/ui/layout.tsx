import type { Child } from 'hono/jsx';

import { maySee, type Area } from './access.ts';
import type { UiSession } from './session.ts';

/** The tab icon, inline (a loop in the brand's blue), so no page asks for a /favicon.ico. */
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='5.5' fill='none' stroke='%231d4ed8' stroke-width='3'/%3E%3C/svg%3E";

/** The `<head>` and body frame shared by every page. */
export function Document(props: { title: string; scripts?: readonly string[]; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · DealerLoop`}</title>
        <link rel="icon" href={ICON} />
        <link rel="stylesheet" href="/ui/assets/app.css" />
        <script src="/assets/htmx.min.js" defer></script>
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer></script>
        ))}
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** One navigation entry; `aria-current` marks the page shown. */
function NavLink(props: { href: string; current: string; children: Child }) {
  const here = props.current === props.href;
  return (
    <a href={props.href} aria-current={here ? 'page' : undefined}>
      {props.children}
    </a>
  );
}

/** A signed-in page: navigation by what the role may see, the tenant and a sign-out button. */
export function Page(props: {
  title: string;
  session: UiSession;
  tenantName: string;
  path: string;
  lede?: string;
  flash?: { ok: boolean; text: string } | null;
  /** Extra scripts (chart.js and its starter on report pages). */
  scripts?: readonly string[];
  children: Child;
}) {
  const { session: s, path } = props;
  return (
    <Document title={props.title} scripts={props.scripts}>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <div class="shell">
        <aside class="side">
          <div class="brand">
            <span class="mark" aria-hidden="true">
              DL
            </span>
            DealerLoop
          </div>
          <MainNav session={s} path={path} />
        </aside>
        <div class="main">
          <TopBar session={s} tenantName={props.tenantName} />
          <main id="content">
            <h1>{props.title}</h1>
            {props.lede && <p class="lede">{props.lede}</p>}
            {props.flash && (
              <div class={`flash ${props.flash.ok ? 'ok' : 'bad'}`} role="status">
                {props.flash.text}
              </div>
            )}
            {props.children}
          </main>
        </div>
      </div>
    </Document>
  );
}

/** The navigation's sections: an area of access, its heading and its pages. */
const NAV_SECTIONS: readonly { area: Area; title: string; links: readonly [string, string][] }[] = [
  {
    area: 'reports',
    title: 'Reports',
    links: [
      ['/ui/reports/attribution', 'Attribution'],
      ['/ui/reports/accountability', 'Accountability'],
      ['/ui/reports/data-quality', 'Data quality'],
    ],
  },
  {
    area: 'health',
    title: 'Sync health',
    links: [
      ['/ui/health', 'Connections & syncs'],
      ['/ui/quarantine', 'Quarantine'],
      ['/ui/dead-letters', 'Dead letters'],
    ],
  },
  {
    area: 'setup',
    title: 'Set-up',
    links: [
      ['/ui/setup', 'Add a connection'],
      ['/ui/setup/preview', 'Preview a mapping'],
    ],
  },
];

/** The navigation: the areas the role may see (a group session: the group's report). */
function MainNav({ session: s, path }: { session: UiSession; path: string }) {
  if (s.groupId)
    return (
      <nav aria-label="Main">
        <h2>Group reports</h2>
        <NavLink href="/ui/group" current={path}>
          Attribution by store
        </NavLink>
        <NavLink href="/ui/group/response-time" current={path}>
          Response time by store
        </NavLink>
      </nav>
    );
  return (
    <nav aria-label="Main">
      <NavLink href="/ui" current={path}>
        Overview
      </NavLink>
      {NAV_SECTIONS.filter((x) => maySee(s.role, x.area)).map((x) => (
        <>
          <h2>{x.title}</h2>
          {x.links.map(([href, label]) => (
            <NavLink href={href} current={path}>
              {label}
            </NavLink>
          ))}
        </>
      ))}
      {s.role === 'admin' && (
        <>
          <h2>Admin</h2>
          <a href="/docs">API reference</a>
        </>
      )}
    </nav>
  );
}

/** The tenant, who is signed in, and the sign-out button. */
function TopBar({ session: s, tenantName }: { session: UiSession; tenantName: string }) {
  return (
    <header class="top">
      <div>
        <strong>{tenantName}</strong>{' '}
        <span class="muted">({s.groupId ? `group ${s.groupId}` : s.tenantId})</span>
      </div>
      <div class="who">
        <span>
          Signed in with key “{s.keyName}” · role <strong>{s.role}</strong>
        </span>
        <form method="post" action="/ui/signout" class="inline">
          <input type="hidden" name="_csrf" value={s.csrf} />
          <button class="btn secondary small" type="submit">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}

/** A status as a coloured badge with its word (never colour alone). */
export function Badge(props: { status: string }) {
  const tone: Record<string, string> = {
    active: 'b-ok',
    succeeded: 'b-ok',
    ok: 'b-ok',
    broken: 'b-bad',
    failed: 'b-bad',
    paused: 'b-warn',
    running: 'b-warn',
    interrupted: 'b-warn',
  };
  return <span class={`badge ${tone[props.status] ?? 'b-muted'}`}>{props.status}</span>;
}

/** A hidden CSRF field for a form of this session. */
export function Csrf(props: { session: UiSession }) {
  return <input type="hidden" name="_csrf" value={props.session.csrf} />;
}

/**
 * A table's header row: text columns, then right-aligned numeric ones.
 * @example <TableHead cols={['Sync', 'Mode']} nums={['Read', 'Written']} />
 */
export function TableHead(props: { cols: readonly string[]; nums?: readonly string[] }) {
  return (
    <thead>
      <tr>
        {props.cols.map((c) => (
          <th scope="col">{c}</th>
        ))}
        {(props.nums ?? []).map((c) => (
          <th scope="col" class="num">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The one row of a table body with nothing to list: a muted line across all `cols` columns. */
export function EmptyRow(props: { cols: number; children: Child }) {
  return (
    <tr>
      <td colspan={props.cols} class="muted">
        {props.children}
      </td>
    </tr>
  );
}

/** Field problems (a refused record's, a preview's), one line each: the field, then the reason. */
export function ProblemList(props: { problems: readonly { field: string; reason: string }[] }) {
  return (
    <ul>
      {props.problems.map((p) => (
        <li>
          <strong>{p.field}</strong>: <span class="reason">{p.reason}</span>
        </li>
      ))}
    </ul>
  );
}
