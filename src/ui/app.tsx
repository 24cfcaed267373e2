import { Hono } from 'hono';

import { maySee } from './access.ts';
import { sessionAuth } from './middleware.tsx';
import { authRoutes, signOutRoute } from './routes/auth.tsx';
import { groupRoutes } from './routes/group.tsx';
import { healthRoutes, page } from './routes/health.tsx';
import { loginLinkRoutes } from './routes/login-link.tsx';
import { reportRoutes } from './routes/reports.tsx';
import { setupRoutes } from './routes/setup.tsx';

/**
 * The dashboard at /ui: server-rendered pages (hono/jsx), htmx and chart.js served from
 * node_modules. Sign-in with an API key gives an httpOnly SameSite=Strict session cookie; every
 * form carries the session's CSRF token; pages follow the key's role.
 */
export function uiRoutes(): Hono {
  const app = new Hono();
  app.route('/', authRoutes());
  app.route('/', loginLinkRoutes());
  app.use('/ui', sessionAuth());
  app.use('/ui/*', sessionAuth());
  app.route('/', signOutRoute());
  app.get('/ui', async (c) => {
    const s = c.get('ui');
    const { svc } = c.get('sync');
    const [connections, syncs, quarantined, dead] = await Promise.all([
      c.get('hub').connections.list(s.tenantId),
      svc.syncs.list(s.tenantId),
      svc.quarantine.count(s.tenantId),
      svc.deadLetters.count(s.tenantId),
    ]);
    const broken = connections.filter((x) => x.status === 'broken').length;
    const health = maySee(s.role, 'health');
    const card = (n: number, label: string, href: string | null) => (
      <div class="card">
        <div class="n">{n.toLocaleString('en-US')}</div>
        <div class="l">{href ? <a href={href}>{label}</a> : label}</div>
      </div>
    );
    return page(
      c,
      'Overview',
      <>
        <div class="cards five">
          {card(connections.length, 'connections', health ? '/ui/health' : null)}
          {card(broken, 'broken connections', health ? '/ui/health' : null)}
          {card(syncs.length, 'syncs', health ? '/ui/health' : null)}
          {card(quarantined, 'quarantined records', health ? '/ui/quarantine' : null)}
          {card(dead, 'dead letters', health ? '/ui/dead-letters' : null)}
        </div>
        {maySee(s.role, 'reports') && (
          <p>
            Reports: <a href="/ui/reports/attribution">attribution</a> (which campaigns sold cars),{' '}
            <a href="/ui/reports/accountability">accountability</a> (who answered their leads) and{' '}
            <a href="/ui/reports/data-quality">data quality</a> per source.
          </p>
        )}
        {!health && <p class="muted">Sync health and set-up are for IT keys.</p>}
      </>,
      { lede: 'Your store at a glance.' },
    );
  });
  app.route('/', healthRoutes());
  app.route('/', setupRoutes());
  app.route('/', reportRoutes());
  app.route('/', groupRoutes());
  return app;
}
