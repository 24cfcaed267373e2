import { describe, expect, it } from 'vitest';

import { conversionDateTime } from '../../../connectors/google-ads/conversion.ts';
import {
  normalizeEmail,
  normalizePhone,
  sha256Hex,
} from '../../../connectors/google-ads/hashing.ts';

// docs/vendors.md (Google Ads): trim, lower-case, SHA-256 as lower-case hex; gmail/googlemail
// local parts lose their dots (documented rule), or every local part loses '.' and '+' (flag);
// phones are E.164 with the '+'.
describe('google-ads identifier normalization (§1.3)', () => {
  it.each([
    ['  Jane.Doe@GMail.com ', 'janedoe@gmail.com'],
    ['j.a.n.e@googlemail.com', 'jane@googlemail.com'],
    ['Jane.Doe+promo@Example.com', 'jane.doe+promo@example.com'],
    ['jane.doe@gmail.co', 'jane.doe@gmail.co'],
  ])('email %j → %j (gmail-dots)', (raw, normalized) => {
    expect(normalizeEmail(raw)).toBe(normalized);
  });

  it('email with the all-domains rule drops "." and "+" from every local part', () => {
    expect(normalizeEmail(' Jane.Doe+promo@Example.com', 'all-dots-and-plus')).toBe(
      'janedoepromo@example.com',
    );
  });

  it.each([
    ['+1 800 555 0102', '+18005550102'],
    [' +1 (800) 555-0102 ', '+18005550102'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('phone %j → %j', (raw, normalized) => {
    expect(normalizePhone(raw)).toBe(normalized);
  });

  it('refuses what is not an address or an E.164 number', () => {
    expect(normalizeEmail('not-an-email')).toBeNull();
    expect(normalizeEmail('@example.com')).toBeNull();
    expect(normalizePhone('800 555 0102')).toBeNull();
    expect(normalizePhone('+0123')).toBeNull();
  });

  it('hashes to lower-case hex SHA-256 (fixed vectors)', () => {
    expect(sha256Hex(normalizeEmail('  Jane.Doe@GMail.com ')!)).toBe(
      'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69',
    );
    expect(sha256Hex(normalizePhone('+1 800 555 0102')!)).toBe(
      'c5383c2eeada28210d27f011bc127d4f9562cf38ff0c9bba33dd45ae79b9fe7c',
    );
    expect(sha256Hex(normalizeEmail('Jane.Doe+promo@example.com', 'all-dots-and-plus')!)).toBe(
      'dae06df2b6e0a596b33cd81e92620a72836c5e5a8c5fa19d7dbba84457c399bf',
    );
  });
});

describe('conversionDateTime (§1.2: yyyy-mm-dd hh:mm:ss+|-hh:mm)', () => {
  it.each([
    ['2025-06-21T12:00:00-05:00', '2025-06-21 12:00:00-05:00'],
    ['2025-06-21T12:00:00+05:30', '2025-06-21 12:00:00+05:30'],
    ['2025-06-21T17:00:00.999Z', '2025-06-21 17:00:00+00:00'],
    ['2025-06-21T12:00-0500', '2025-06-21 12:00:00-05:00'],
  ])('%j → %j', (iso, google) => {
    expect(conversionDateTime(iso)).toBe(google);
  });

  it('refuses a time without an offset', () => {
    expect(conversionDateTime('2025-06-21T12:00:00')).toBeNull();
    expect(conversionDateTime('2025-06-21 12:00:00-05:00')).toBeNull();
  });
});
