import { createHash, createHmac } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MetaSandbox } from '../../src/sandbox/meta.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('Meta sandbox (docs/vendors.md, Meta)', () => {
  const m = new MetaSandbox({
    accessToken: 'EAA-token-0123456789',
    appSecret: 'app-secret-0123456789',
    pageId: '100000000000001',
    pageName: 'Store',
    adAccountId: '700000000000123',
    pixelId: '900000000000456',
    now: () => NOW,
  });
  beforeAll(async () => {
    await m.start();
    m.leads.set('2000000000000001', {
      id: '2000000000000001',
      created_time: '2026-12-01T10:00:00+0000',
      ad_id: '1',
      ad_name: 'Ad',
      adset_id: '2',
      adset_name: 'Set',
      campaign_id: '3',
      campaign_name: 'Meta, Spring Truck Event',
      form_id: '4',
      is_organic: false,
      platform: 'fb',
      field_data: [{ name: 'email', values: ['a@b.com'] }],
    });
    for (const day of ['2026-11-01', '2026-11-02', '2026-11-03'])
      m.insights.push({
        campaign_id: '3',
        campaign_name: 'Meta, Spring Truck Event',
        spend: '12.34',
        impressions: '1000',
        clicks: '10',
        account_currency: 'USD',
        date_start: day,
        date_stop: day,
      });
  });
  afterAll(() => m.stop());

  const get = (path: string, token = 'EAA-token-0123456789') =>
    fetch(`${m.url}/v25.0/${path}${path.includes('?') ? '&' : '?'}access_token=${token}`);
  const capi = (data: unknown[]) =>
    fetch(`${m.url}/v25.0/900000000000456/events?access_token=EAA-token-0123456789`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
  const crmEvent = (over: Record<string, unknown> = {}) => ({
    event_name: 'appointment',
    event_time: Math.floor(NOW / 1000) - 3600,
    event_id: '2000000000000001:appointment',
    action_source: 'system_generated',
    user_data: { lead_id: '2000000000000001', em: [sha('a@b.com')] },
    custom_data: { event_source: 'crm', lead_event_source: 'DealerLoop' },
    ...over,
  });

  it('reads a lead with the fields asked for, and refuses a wrong token with code 190', async () => {
    const lead = (await (
      await get('2000000000000001?fields=id,created_time,campaign_name')
    ).json()) as Record<string, unknown>;
    expect(lead).toEqual({
      id: '2000000000000001',
      created_time: '2026-12-01T10:00:00+0000',
      campaign_name: 'Meta, Spring Truck Event',
    });
    const bad = await get('2000000000000001?fields=id', 'wrong');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(190);
  });

  it('answers daily campaign insights in the time range, page by page', async () => {
    const range = encodeURIComponent(JSON.stringify({ since: '2026-11-02', until: '2026-11-03' }));
    const q = `act_700000000000123/insights?level=campaign&time_increment=1&fields=campaign_id,spend&limit=1&time_range=${range}`;
    const first = (await (await get(q)).json()) as {
      data: { date_start: string; spend: string }[];
      paging: { cursors: { after: string }; next?: string };
    };
    expect(first.data).toEqual([
      { campaign_id: '3', spend: '12.34', date_start: '2026-11-02', date_stop: '2026-11-02' },
    ]);
    expect(first.paging.next).toBeDefined();
    const second = (await (
      await get(`${q}&after=${first.paging.cursors.after}`)
    ).json()) as typeof first;
    expect(second.data.map((r) => r.date_start)).toEqual(['2026-11-03']);
    expect(second.paging.next).toBeUndefined();
    expect((await get('act_700000000000123/insights?level=ad&time_increment=1')).status).toBe(400);
  });

  it('takes a valid batch of CRM events and refuses a whole batch for one bad event', async () => {
    const ok = await capi([
      crmEvent(),
      crmEvent({ event_name: 'shown', event_id: '2000000000000001:shown' }),
    ]);
    expect(await ok.json()).toMatchObject({ events_received: 2, messages: [] });
    const before = m.events.length;
    for (const bad of [
      crmEvent({ user_data: { lead_id: '2000000000000001', em: ['a@b.com'] } }),
      crmEvent({ event_time: Math.floor(NOW / 1000) - 8 * 86_400 }),
      crmEvent({ event_time: NOW }),
      crmEvent({ user_data: { em: [sha('a@b.com')] } }),
      crmEvent({ custom_data: { lead_event_source: 'DealerLoop' } }),
      crmEvent({ action_source: 'crm' }),
    ]) {
      const res = await capi([crmEvent(), bad]);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /data\[1\]/,
      );
    }
    expect(m.events.length).toBe(before);
    expect((await capi(Array.from({ length: 1001 }, () => crmEvent()))).status).toBe(400);
  });

  it('refuses unknown event parameters and keeps one event per (event_name, event_id), as Meta dedups', async () => {
    const camel = await capi([crmEvent({ eventName: 'appointment' })]);
    expect(camel.status).toBe(400);
    expect(((await camel.json()) as { error: { message: string } }).error.message).toMatch(
      /eventName is not a server event parameter/,
    );
    const kept = m.events.length;
    const received = m.received.length;
    const again = crmEvent({ event_name: 'sold', event_id: '2000000000000001:sold' });
    expect((await capi([again, again])).status).toBe(200);
    expect((await capi([again])).status).toBe(200);
    expect(m.received.length - received).toBe(3); // every event that arrived is on record
    expect(m.events.length - kept).toBe(1); // the pair is kept once
  });

  it('signs leadgen notifications with the App Secret over the raw body', () => {
    const { body, headers } = m.leadgenWebhook(['2000000000000001']);
    const sig = createHmac('sha256', 'app-secret-0123456789').update(body).digest('hex');
    expect(headers['x-hub-signature-256']).toBe(`sha256=${sig}`);
    expect(JSON.parse(body).entry[0].changes[0].value.leadgen_id).toBe('2000000000000001');
  });
});
