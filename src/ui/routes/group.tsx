import { Hono, type Context } from 'hono';

import { groupAttributionReport, groupResponseTime } from '../../attribution/group-report.ts';
import { requireArea } from '../middleware.tsx';
import {
  GroupResponsePeople,
  GroupResponseStores,
  GroupStoresTable,
  GroupTotals,
} from '../pages/group.tsx';
import { MODEL_NAMES, Panel, RangeForm } from '../pages/report-parts.tsx';
import { page } from './health.tsx';
import { askedRange, Problem } from './reports.tsx';

/**
 * The group's attribution report: a row per store (each over its own dates), the totals per
 * currency, and each store's own report a click away.
 */
async function groupPage(c: Context) {
  const hub = c.get('hub');
  const { group, problem, range } = await groupRange(c);
  const report = await groupAttributionReport(hub, group.id, { ...range, groupBy: 'campaign' });
  const query = new URLSearchParams({ from: range.from, to: range.to, model: range.model });
  return page(
    c,
    `${group.name}: attribution by store`,
    <>
      <RangeForm action="/ui/group" from={range.from} to={range.to} model={range.model} />
      <Problem text={problem} />
      <GroupTotals report={report} />
      <Panel title="Stores">
        <GroupStoresTable report={report} query={query.toString()} />
      </Panel>
    </>,
    {
      lede: `Each store's own report side by side (${MODEL_NAMES[range.model].toLowerCase()} model), with totals per currency: amounts in different currencies are never added.`,
    },
  );
}

/**
 * The session's group and the range asked for: dates default to the last days ending today in
 * the first store's zone (UTC for a group without stores).
 */
async function groupRange(c: Context) {
  const hub = c.get('hub');
  const group = await hub.groups.get(c.get('ui').groupId ?? '');
  const zone = group.members[0] ? (await hub.settings.get(group.members[0])).timeZone : 'UTC';
  const { problem, ...range } = askedRange(c, zone);
  return { group, problem, range };
}

/**
 * The group's response time: a row per store, then per store × salesperson, each store's own
 * report; a store's row opens its accountability page (its unanswered leads).
 */
async function groupResponsePage(c: Context) {
  const { group, problem, range } = await groupRange(c);
  const report = await groupResponseTime(c.get('hub'), group.id, range);
  const query = new URLSearchParams({ from: range.from, to: range.to });
  return page(
    c,
    `${group.name}: response time by store`,
    <>
      <RangeForm action="/ui/group/response-time" from={range.from} to={range.to} />
      <Problem text={problem} />
      <Panel title="Stores">
        <GroupResponseStores report={report} query={query.toString()} />
      </Panel>
      <Panel title="Salespeople">
        <GroupResponsePeople report={report} />
      </Panel>
    </>,
    {
      lede: 'Who answered their leads, and how fast: the first outbound call, email or text, per store and per salesperson. Medians do not add up, so there is no group-wide figure.',
    },
  );
}

/** The dashboard of a group key's session (`/ui/group`, `/ui/group/response-time`). */
export function groupRoutes(): Hono {
  const app = new Hono();
  app.use('/ui/group', requireArea('reports'));
  app.get('/ui/group', groupPage);
  app.get('/ui/group/response-time', groupResponsePage);
  return app;
}
