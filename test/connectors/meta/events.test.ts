import { createHash } from 'node:crypto';

import { AxiosError, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';

import { buildEvent, refusalReason, TOO_OLD } from '../../../connectors/meta/events.ts';
import { MAX_EVENT_AGE_S } from '../../../connectors/meta/constants.ts';
import { wireUserData } from '../../../connectors/meta/user-data.ts';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const NOW = 1_795_000_000;

const mapped = (over: Record<string, unknown> = {}) => ({
  event_name: 'appointment',
  event_time: '2026-11-20T10:00:00-06:00',
  event_id: '1234567890123456:appointment',
  user_data: { lead_id: '1234567890123456', em: 'Ann@Example.com' },
  ...over,
});

describe('Meta user_data at the sink edge (docs/vendors.md, Meta)', () => {
  it('normalizes and hashes per §2.2, with its published vectors', () => {
    const r = wireUserData({
      em: 'John_Smith@gmail.com',
      ph: '+16505551212',
      fn: 'Valéry',
      ln: "O'Brien",
      ct: 'Menlo Park',
      st: 'CA',
      zp: '94025-1234',
      country: 'US',
      lead_id: '1234567890123456',
    });
    expect(r.ok).toBe(true);
    const u = (r as { userData: Record<string, string> }).userData;
    // §2.2: john_smith@gmail.com → 62a14e44…0f62f; (650)555-1212 with its country code → e323ec62…3176
    expect(u.em).toMatch(/^62a14e44[0-9a-f]{51}0f62f$/);
    expect(u.ph).toMatch(/^e323ec62[0-9a-f]{52}3176$/);
    expect(u.fn).toBe(sha('valéry'));
    expect(u.ln).toBe(sha('obrien'));
    expect(u.ct).toBe(sha('menlopark'));
    expect(u.st).toBe(sha('ca'));
    expect(u.zp).toBe(sha('94025'));
    expect(u.country).toBe(sha('us'));
    expect(u.lead_id).toBe('1234567890123456'); // never hashed
  });

  it('passes an already hashed value through and refuses what cannot be normalized, naming the key', () => {
    const hashed = sha('ann@example.com');
    expect(wireUserData({ em: hashed })).toEqual({ ok: true, userData: { em: hashed } });
    expect(wireUserData({ ph: '12-34' })).toMatchObject({ ok: false, field: 'user_data.ph' });
    expect(wireUserData({ shoeSize: '9' })).toMatchObject({
      ok: false,
      field: 'user_data.shoeSize',
    });
  });
});

describe('Meta CRM event built from a mapped conversion', () => {
  it('carries the fixed CRM parts, Unix seconds, the unhashed lead id and the stable event id', () => {
    const built = buildEvent(
      mapped({ custom_data: { value: 2785.5, currency: 'USD' }, event_name: 'Purchase' }),
      NOW,
    );
    expect(built).toEqual({
      ok: true,
      event: {
        event_name: 'Purchase',
        event_time: Date.parse('2026-11-20T16:00:00Z') / 1000,
        event_id: '1234567890123456:appointment',
        action_source: 'system_generated',
        user_data: { lead_id: '1234567890123456', em: sha('ann@example.com') },
        custom_data: {
          event_source: 'crm',
          lead_event_source: 'DealerLoop',
          value: 2785.5,
          currency: 'usd',
        },
      },
    });
  });

  it('an event exactly 7 days old is sent; one second older is skipped as too old', () => {
    expect(buildEvent(mapped({ event_time: NOW - MAX_EVENT_AGE_S }), NOW).ok).toBe(true);
    expect(buildEvent(mapped({ event_time: NOW - MAX_EVENT_AGE_S - 1 }), NOW)).toEqual({
      ok: false,
      result: { ok: true, destinationId: null, skipped: TOO_OLD },
    });
  });

  it('refuses, naming the field, an event without what Meta requires', () => {
    const field = (over: Record<string, unknown>) => {
      const b = buildEvent(mapped(over), NOW);
      return b.ok ? null : (b.result as { field?: string }).field;
    };
    expect(field({ event_name: '' })).toBe('event_name');
    expect(field({ event_time: '2026-11-20 10:00' })).toBe('event_time');
    expect(field({ event_id: undefined })).toBe('event_id');
    expect(field({ user_data: { em: 'a@b.com' } })).toBe('user_data.lead_id');
  });

  it("a 400 'Invalid parameter' is a refusal with Meta's words; a wrong pixel or a throttle is not", () => {
    const answer = (status: number, error: Record<string, unknown>) =>
      new AxiosError('failed', 'ERR_BAD_REQUEST', undefined, undefined, {
        status,
        data: { error },
      } as AxiosResponse);
    expect(
      refusalReason(
        answer(400, {
          message: 'Invalid parameter',
          code: 100,
          error_subcode: 2804019,
          error_user_title: 'Invalid lead_id',
          error_user_msg: 'The lead_id parameter is not valid.',
        }),
      ),
    ).toBe(
      'Meta refused the event (Graph API error 100/2804019): Invalid lead_id: The lead_id parameter is not valid.',
    );
    expect(
      refusalReason(
        answer(400, { message: 'Unsupported post request', code: 100, error_subcode: 33 }),
      ),
    ).toBeNull();
    expect(
      refusalReason(answer(400, { message: 'User request limit reached', code: 17 })),
    ).toBeNull();
    expect(refusalReason(answer(500, { message: 'oops', code: 1 }))).toBeNull();
  });
});
