import { describe, expect, it } from 'vitest';

import hubspotConnector from '../../../connectors/hubspot/index.ts';
import type { SinkItem } from '../../../src/sdk/connector.ts';
import { context, fixture, hubspot, useNock } from './support.ts';

const contacts = hubspotConnector.sinks!.contacts!;
const deals = hubspotConnector.sinks!.deals!;
const UPSERT = '/crm/v3/objects/contacts/batch/upsert';

type Input = {
  id: string;
  idProperty?: string;
  objectWriteTraceId?: string;
  properties: Record<string, unknown>;
};

const item = (
  key: string,
  properties: Record<string, unknown>,
  destinationId: string | null = null,
): SinkItem => ({
  canonicalId: `lead_${key}`,
  destinationId,
  idempotencyKey: key,
  record: { properties },
});

/** An answer as HubSpot gives it for inputs that all succeed, ids from `ids` by unique value. */
const okFor = (inputs: Input[], ids: Record<string, string>) => ({
  status: 'COMPLETE',
  results: inputs.map((i) => ({
    id: ids[i.id] ?? i.id,
    properties: { email: i.id.toLowerCase(), hs_object_id: ids[i.id] ?? i.id },
    createdAt: '2026-11-22T09:00:00.000Z',
    updatedAt: '2026-11-22T09:00:00.000Z',
    archived: false,
  })),
});

useNock();

describe('contacts sink', () => {
  it('upserts by email and records HubSpot ids per item, whatever the result order', async () => {
    let body: { inputs: Input[] } = { inputs: [] };
    hubspot()
      .post(UPSERT, (b: { inputs: Input[] }) => ((body = b), true))
      .reply(200, fixture('contacts-upsert-200'));
    const results = await contacts.write(context(), [
      item('k-jane', { email: 'Jane.Doe@example.com', firstname: 'Jane' }, '51'),
      item('k-ann', { email: 'ann.ortiz@example.com', firstname: 'Ann', hs_lead_status: 'NEW' }),
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: '51' },
      { ok: true, destinationId: '61' },
    ]);
    expect(body.inputs).toEqual([
      {
        idProperty: 'email',
        id: 'Jane.Doe@example.com',
        objectWriteTraceId: 'k-jane',
        properties: { firstname: 'Jane' },
      },
      {
        idProperty: 'email',
        id: 'ann.ortiz@example.com',
        objectWriteTraceId: 'k-ann',
        properties: { firstname: 'Ann', hs_lead_status: 'NEW' },
      },
    ]);
  });

  it('reads a 207 Multi-Status answer: successes by trace id, the failure with its field', async () => {
    hubspot().post(UPSERT).reply(207, fixture('contacts-upsert-207'));
    const results = await contacts.write(context(), [
      item('trace-a', { email: 'ann.ortiz@example.com' }),
      item('trace-b', { email: 'bo@example.com', hs_lead_status: 'OPEN_LEAD' }),
    ]);
    expect(results[0]).toEqual({ ok: true, destinationId: '61' });
    expect(results[1]).toEqual({
      ok: false,
      retryable: false,
      reason: expect.stringMatching(
        /VALIDATION_ERROR: "OPEN_LEAD" was not one of the allowed options/,
      ),
      field: 'properties.hs_lead_status',
    });
  });

  it('drops the record a 400 names and sends the rest again at once (two requests, not five)', async () => {
    const sent: string[][] = [];
    hubspot()
      .post(UPSERT, (b: { inputs: Input[] }) => (sent.push(b.inputs.map((i) => i.id)), true))
      .times(2)
      .reply((_uri, b) => {
        const inputs = (b as { inputs: Input[] }).inputs;
        return inputs.some((i) => i.id === 'bad@@example')
          ? [400, fixture('upsert-400-validation')]
          : [200, okFor(inputs, { 'a@example.com': '71', 'c@example.com': '73' })];
      });
    const results = await contacts.write(context(), [
      item('a', { email: 'a@example.com' }),
      item('b', { email: 'bad@@example' }),
      item('c', { email: 'c@example.com' }),
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: '71' },
      {
        ok: false,
        retryable: false,
        reason: expect.stringMatching(/VALIDATION_ERROR: .*bad@@example is invalid/),
        field: 'properties.email',
      },
      { ok: true, destinationId: '73' },
    ]);
    expect(sent).toEqual([
      ['a@example.com', 'bad@@example', 'c@example.com'],
      ['a@example.com', 'c@example.com'],
    ]);
  });

  it('halves a refused batch only when HubSpot names no input', async () => {
    const sent: string[][] = [];
    hubspot()
      .post(UPSERT, (b: { inputs: Input[] }) => (sent.push(b.inputs.map((i) => i.id)), true))
      .times(4)
      .reply((_uri, b) => {
        const inputs = (b as { inputs: Input[] }).inputs;
        return inputs.some((i) => i.id === 'b@example.com')
          ? [400, { status: 'error', message: 'Invalid input JSON', category: 'VALIDATION_ERROR' }]
          : [200, okFor(inputs, { 'a@example.com': '71', 'c@example.com': '73' })];
      });
    const results = await contacts.write(context(), [
      item('a', { email: 'a@example.com' }),
      item('b', { email: 'b@example.com' }),
      item('c', { email: 'c@example.com' }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    // [a,b,c] refused, [a,b] refused, [a] delivered: [b] is then known bad and not sent alone.
    expect(sent).toEqual([
      ['a@example.com', 'b@example.com', 'c@example.com'],
      ['a@example.com', 'b@example.com'],
      ['a@example.com'],
      ['c@example.com'],
    ]);
  });

  it('quarantines a value the portal does not define without sending it', async () => {
    const sent: string[][] = [];
    hubspot()
      .post(UPSERT, (b: { inputs: Input[] }) => (sent.push(b.inputs.map((i) => i.id)), true))
      .reply((_uri, b) => [
        200,
        okFor((b as { inputs: Input[] }).inputs, { 'a@example.com': '71' }),
      ]);
    const ctx = context({
      propertyOptions: { contacts: { hs_lead_status: ['NEW', 'CONNECTED', 'OPEN_DEAL'] } },
    });
    const results = await contacts.write(ctx, [
      item('a', { email: 'a@example.com', hs_lead_status: 'OPEN_DEAL' }),
      item('b', { email: 'b@example.com', hs_lead_status: 'SHOWED' }),
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: '71' },
      {
        ok: false,
        retryable: false,
        reason: expect.stringMatching(
          /hs_lead_status "SHOWED" is not a value this HubSpot portal defines/,
        ),
        field: 'properties.hs_lead_status',
      },
    ]);
    expect(sent).toEqual([['a@example.com']]);
  });

  it('updates a linked contact without email by its HubSpot id; refuses one with neither', async () => {
    let body: { inputs: Input[] } = { inputs: [] };
    const api = hubspot()
      .post('/crm/v3/objects/contacts/batch/update', (b: { inputs: Input[] }) => ((body = b), true))
      .reply(200, {
        status: 'COMPLETE',
        results: [{ id: '51', properties: { firstname: 'Janet', hs_object_id: '51' } }],
      });
    const results = await contacts.write(context(), [
      item('u', { firstname: 'Janet' }, '51'),
      item('x', { firstname: 'Nobody' }),
      { ...item('y', {}), record: { email: 'flat@example.com' } },
    ]);
    expect(api.isDone()).toBe(true);
    expect(body.inputs).toEqual([{ id: '51', properties: { firstname: 'Janet' } }]);
    expect(results).toEqual([
      { ok: true, destinationId: '51' },
      {
        ok: false,
        retryable: false,
        reason: 'the record has no email to upsert by and no HubSpot id',
        field: 'properties.email',
      },
      { ok: false, retryable: false, reason: 'the record has no properties object' },
    ]);
  });

  it('sends two records with one email in separate requests (HubSpot refuses duplicates)', async () => {
    const sent: string[][] = [];
    hubspot()
      .post(
        UPSERT,
        (b: { inputs: Input[] }) => (sent.push(b.inputs.map((i) => i.objectWriteTraceId!)), true),
      )
      .times(2)
      .reply((_uri, b) => [
        200,
        okFor((b as { inputs: Input[] }).inputs, { 'same@example.com': '80' }),
      ]);
    const results = await contacts.write(context(), [
      item('one', { email: 'same@example.com', firstname: 'A' }),
      item('two', { email: 'SAME@example.com', firstname: 'B' }),
    ]);
    expect(sent).toEqual([['one'], ['two']]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('reports an input HubSpot answered nothing for as retryable', async () => {
    hubspot().post(UPSERT).reply(200, { status: 'COMPLETE', results: [] });
    const [r] = await contacts.write(context(), [item('a', { email: 'a@example.com' })]);
    expect(r).toEqual({
      ok: false,
      retryable: true,
      reason: 'HubSpot returned no result for this input',
    });
  });
});

describe('deals sink', () => {
  it('upserts by the configured unique property with the sold stage for deals not yet linked', async () => {
    let body: { inputs: Input[] } = { inputs: [] };
    hubspot()
      .post('/crm/v3/objects/deals/batch/upsert', (b: { inputs: Input[] }) => ((body = b), true))
      .reply(200, {
        status: 'COMPLETE',
        results: [
          { id: '9100', objectWriteTraceId: 'new-sale', properties: { dealer_deal_no: 'D-1001' } },
          {
            id: '9001',
            objectWriteTraceId: 'linked-sale',
            properties: { dealer_deal_no: 'D-1000' },
          },
        ],
      });
    const ctx = context({
      dealIdProperty: 'dealer_deal_no',
      dealPipeline: '555',
      soldDealStage: '556',
    });
    const results = await deals.write(ctx, [
      item('new-sale', {
        dealer_deal_no: 'D-1001',
        dealname: 'Sold: 2025 Ford Escape',
        amount: 32450,
      }),
      item('linked-sale', { dealer_deal_no: 'D-1000', amount: 18900 }, '9001'),
    ]);
    expect(results).toEqual([
      { ok: true, destinationId: '9100' },
      { ok: true, destinationId: '9001' },
    ]);
    expect(body.inputs).toEqual([
      {
        idProperty: 'dealer_deal_no',
        id: 'D-1001',
        objectWriteTraceId: 'new-sale',
        properties: {
          pipeline: '555',
          dealstage: '556',
          dealname: 'Sold: 2025 Ford Escape',
          amount: 32450,
        },
      },
      {
        idProperty: 'dealer_deal_no',
        id: 'D-1000',
        objectWriteTraceId: 'linked-sale',
        properties: { amount: 18900 },
      },
    ]);
  });
});
