import { Hono, type Context } from 'hono';

import { dateOfDay, dayNumber, tenantDate } from '../../attribution/dates.ts';
import { campaignSales, weeklyTrend } from '../../attribution/drill.ts';
import { nameRows } from '../../attribution/campaign-names.ts';
import {
  answeredLeads,
  boughtInWindow,
  leadFunnel,
  leadsOfRange,
} from '../../attribution/funnel.ts';
import { ResponseTimeReader } from '../../attribution/response-store.ts';
import { MODELS, type Model } from '../../attribution/types.ts';
import { RangeQuery } from '../../api/routes/quality-reports.ts';
import { DataQualityReader } from '../../quality/report.ts';
import { campaignLabel, campaignLabels } from '../campaign-labels.ts';
import { CHARTS_JS } from '../charts.ts';
import { unansweredWho } from '../unanswered-who.ts';
import { count, money, sold, two } from '../format.ts';
import { requireArea } from '../middleware.tsx';
import { ResponseTable, UnansweredTable } from '../pages/accountability.tsx';
import {
  AttributionTable,
  CampaignSalesTable,
  Explanation,
  FunnelView,
  SpendVsSold,
  TrendView,
  type ReportView,
} from '../pages/attribution.tsx';
import { QualityTables } from '../pages/quality.tsx';
import { Figure, MODEL_NAMES, Panel, RangeForm } from '../pages/report-parts.tsx';
import { page } from './health.tsx';

/** Days a report page shows when no range is asked for (ending today, tenant time). */
export const DEFAULT_DAYS = 90;

const CHART_SCRIPTS = ['/assets/chart.umd.min.js', '/ui/assets/charts.js'];

/** The store a report page is about: the session's, or (a group session) the member in the path. */
const storeOf = (c: Context): string => c.req.param('tenantId') ?? c.get('ui').tenantId;

/** Where the store's report pages are: `/ui/reports`, or `/ui/group/stores/<t>/reports`. */
const baseOf = (c: Context): string => {
  const member = c.req.param('tenantId');
  return member ? `/ui/group/stores/${encodeURIComponent(member)}/reports` : '/ui/reports';
};

/**
 * The range and model a report page was asked for, defaults filled in (the last DEFAULT_DAYS
 * days ending today in `timeZone`, last touch); a bad value falls back to the default and says why.
 */
export function askedRange(
  c: Context,
  timeZone: string,
): { from: string; to: string; model: Model; problem?: string } {
  const to = tenantDate(Date.now(), timeZone);
  const fallback = { from: dateOfDay(dayNumber(to) - DEFAULT_DAYS + 1), to };
  const asked = {
    from: c.req.query('from') ?? fallback.from,
    to: c.req.query('to') ?? fallback.to,
  };
  const range = RangeQuery.safeParse(asked);
  const m = c.req.query('model') ?? 'last_touch';
  const model = (MODELS as readonly string[]).includes(m) ? (m as Model) : 'last_touch';
  const problem = range.success
    ? undefined
    : `${range.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}, so the last ${DEFAULT_DAYS} days are shown`;
  return { ...(range.success ? range.data : fallback), model, problem };
}

/** The store's report view: the asked range and model, its currency and where its pages are. */
async function viewOf(
  c: Context,
): Promise<{ view: ReportView; timeZone: string; problem?: string }> {
  const s = await c.get('hub').settings.get(storeOf(c));
  const { problem, ...range } = askedRange(c, s.timeZone);
  return {
    view: { ...range, currency: s.currency, base: baseOf(c) },
    timeZone: s.timeZone,
    problem,
  };
}

/** On a group member's page: the way back to the group report (`back`), naming the store. */
async function memberCrumb(c: Context, v: ReportView, back = '/ui/group') {
  const member = c.req.param('tenantId');
  if (!member) return null;
  const store = await c.get('hub').tenants.get(member);
  const q = new URLSearchParams({ from: v.from, to: v.to, model: v.model });
  return (
    <p class="crumb" id="store-crumb">
      <a href={`${back}?${q}`}>← Group report</a> · store <strong>{store.name}</strong> ({member})
    </p>
  );
}

/** A link back to the attribution report of the same range and model. */
const BackToReport = (props: { view: ReportView }) => (
  <p>
    <a
      href={`${props.view.base}/attribution?${new URLSearchParams({ from: props.view.from, to: props.view.to, model: props.view.model })}`}
    >
      ← Back to the report
    </a>
  </p>
);

export const Problem = (props: { text?: string }) =>
  props.text ? (
    <div class="flash bad" role="alert">
      {props.text}
    </div>
  ) : null;

/** Reports for everyone holding `reports:read`: attribution, accountability, data quality. */
export function reportRoutes(): Hono {
  const app = new Hono();
  app.get('/ui/assets/charts.js', (c) =>
    c.body(CHARTS_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.use('/ui/reports/*', requireArea('reports'));
  app.use('/ui/group/*', requireArea('reports'));
  // A store's attribution pages, for its own session and (under a member's path) a group's.
  for (const base of ['/ui/reports', '/ui/group/stores/:tenantId/reports']) {
    app.get(`${base}/attribution`, attributionPage);
    app.get(`${base}/attribution/sales`, campaignSalesPage);
    app.get(`${base}/sales/:saleId`, salePage);
    app.get(`${base}/accountability`, accountabilityPage);
  }
  app.get('/ui/reports/data-quality', dataQualityPage);
  return app;
}

/** The attribution report: figures, campaign table, charts, funnel and weekly trend. */
async function attributionPage(c: Context) {
  const { view: v, timeZone, problem } = await viewOf(c);
  const hub = c.get('hub');
  const tenantId = storeOf(c);
  const [stored, leads, weeks] = await Promise.all([
    hub.attribution.report(tenantId, { ...v, groupBy: 'campaign' }),
    leadsOfRange(hub.redis, hub.keys, tenantId, { ...v, timeZone }),
    weeklyTrend(hub.attribution, tenantId, v),
  ]);
  // Named as the API names them: campaign records first (Mailchimp titles, platform names).
  const report = nameRows(stored, await campaignLabels(hub, tenantId, leads));
  const settings = await hub.settings.get(tenantId);
  const [bought, answered] = await Promise.all([
    boughtInWindow(hub.redis, hub.keys, tenantId, leads, settings),
    answeredLeads(hub.redis, hub.keys, tenantId, leads),
  ]);
  const funnel = leadFunnel(leads, v, bought, answered);
  const crumb = await memberCrumb(c, v);
  const t = report.totals;
  return page(
    c,
    'Attribution',
    <>
      {crumb}
      <RangeForm action={`${v.base}/attribution`} from={v.from} to={v.to} model={v.model} />
      <Problem text={problem} />
      <div class="cards five" id="totals">
        <Figure value={money(t.spend, v.currency)} label="spend" />
        <Figure value={count(t.leads)} label="leads" />
        <Figure value={sold(t.sold)} label="cars sold" />
        <Figure value={money(t.costPerSale, v.currency)} label="cost per sale" />
        <Figure value={t.roas === null ? '—' : `${two(t.roas)}×`} label="ROAS (gross / spend)" />
      </div>
      <Panel title="Campaigns">
        <AttributionTable report={report} view={v} />
      </Panel>
      <div class="grid2">
        <Panel title="Spend vs sold">
          <SpendVsSold report={report} />
        </Panel>
        <Panel title="Funnel">
          <FunnelView funnel={funnel} />
        </Panel>
      </div>
      <Panel title="Weekly trend">
        <TrendView weeks={weeks} currency={v.currency} />
      </Panel>
    </>,
    {
      lede: `Which campaigns sold cars, and at what cost per sale (${MODEL_NAMES[v.model].toLowerCase()} model).`,
      scripts: CHART_SCRIPTS,
    },
  );
}

/** One campaign's (or the unattributed) sales in the range. */
async function campaignSalesPage(c: Context) {
  const { view: v, timeZone, problem } = await viewOf(c);
  const channel = c.req.query('channel') ?? '';
  const campaignId = c.req.query('campaignId') ?? '';
  const hub = c.get('hub');
  const sales = await campaignSales(hub.redis, hub.keys, hub.attribution, storeOf(c), {
    ...v,
    channel,
    campaignId,
  });
  // The name the report's row shows (campaign records, else the range's leads).
  const leads = await leadsOfRange(hub.redis, hub.keys, storeOf(c), { ...v, timeZone });
  const names = await campaignLabels(hub, storeOf(c), leads);
  const title =
    channel === 'unattributed'
      ? 'Unattributed sales'
      : `Sales of ${campaignLabel(campaignId || null, names.get(campaignId))}`;
  return page(
    c,
    title,
    <>
      <RangeForm
        action={`${v.base}/attribution/sales`}
        from={v.from}
        to={v.to}
        model={v.model}
        hidden={{ channel, campaignId }}
      />
      <Problem text={problem} />
      <CampaignSalesTable sales={sales} view={v} />
      <BackToReport view={v} />
    </>,
    {
      lede: `Channel ${channel}, ${MODEL_NAMES[v.model].toLowerCase()} model, sales dated ${v.from} to ${v.to}.`,
    },
  );
}

/** One sale's explanation: its touches with their credits under each model. */
async function salePage(c: Context) {
  const { view: v, timeZone } = await viewOf(c);
  const hub = c.get('hub');
  const [sale, leads] = await Promise.all([
    hub.attribution.explain(storeOf(c), { saleId: c.req.param('saleId') }),
    leadsOfRange(hub.redis, hub.keys, storeOf(c), { ...v, timeZone }),
  ]);
  // Campaigns named as the report of the same range names them.
  const names = await campaignLabels(hub, storeOf(c), leads);
  return page(
    c,
    `Deal ${sale.dealNumber || sale.saleId}`,
    <>
      <Explanation
        sale={sale}
        model={v.model}
        currency={v.currency}
        timeZone={timeZone}
        names={names}
      />
      <BackToReport view={v} />
    </>,
    {
      lede: `Why this sale credits what it does: every touch in its window, with its credit under each model (${MODEL_NAMES[v.model]} highlighted).`,
    },
  );
}

/** Response time per salesperson and store, and the unanswered leads. */
async function accountabilityPage(c: Context) {
  const { view: v, timeZone, problem } = await viewOf(c);
  const hub = c.get('hub');
  const r = await new ResponseTimeReader(hub.redis, hub.keys, hub.settings).report(storeOf(c), v);
  const who = await unansweredWho(hub, storeOf(c), r);
  const crumb = await memberCrumb(c, v, '/ui/group/response-time');
  return page(
    c,
    'Accountability',
    <>
      {crumb}
      <RangeForm action={`${v.base}/accountability`} from={v.from} to={v.to} />
      <Problem text={problem} />
      <Panel title="Response time">
        <ResponseTable report={r} />
      </Panel>
      <Panel title="Unanswered leads">
        <UnansweredTable report={r} timeZone={timeZone} who={who} />
      </Panel>
    </>,
    { lede: 'Who answered their leads, and how fast: the first outbound call, email or text.' },
  );
}

/** Data quality per source and import day. */
async function dataQualityPage(c: Context) {
  const { view: v, problem } = await viewOf(c);
  const hub = c.get('hub');
  const tenantId = c.get('ui').tenantId;
  const r = await new DataQualityReader(hub.redis, hub.keys).report(
    tenantId,
    v,
    await hub.connections.list(tenantId),
  );
  return page(
    c,
    'Data quality',
    <>
      <RangeForm action="/ui/reports/data-quality" from={v.from} to={v.to} />
      <Problem text={problem} />
      <QualityTables report={r} />
    </>,
    {
      lede: 'What each source sent, by the day it was imported: what was refused, missing, fixed or merged.',
    },
  );
}
