import { describe, expect, it } from 'vitest';

import googleAds from '../../../connectors/google-ads/index.ts';
import { validateConnectionInput } from '../../../src/sync/connection-runtime.ts';
import { AppError } from '../../../src/errors/app-error.ts';

const def = googleAds;
const creds = {
  clientId: '1234-abcdef.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-secret-0123',
  refreshToken: '1//0g-refresh-0123',
  developerToken: 'dev-token-0123',
};

describe('google-ads settings', () => {
  it('takes customer ids with dashes and sends digits only', () => {
    const s = googleAds.settings.parse({
      customerId: '123-456-7890',
      loginCustomerId: ' 9876543210 ',
      conversionAction: 'customers/123-456-7890/conversionActions/987654321',
    });
    expect(s).toMatchObject({
      customerId: '1234567890',
      loginCustomerId: '9876543210',
      conversionAction: 'customers/1234567890/conversionActions/987654321',
      apiVersion: 'v26',
      apiHost: 'https://googleads.googleapis.com',
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
  });

  it('names every bad setting and credential at once', () => {
    let err: unknown;
    try {
      validateConnectionInput(
        def,
        {
          customerId: '123-45-678',
          loginCustomerId: 'abc',
          conversionAction: 'conversionActions/1',
          apiVersion: '22',
          fixedValueCents: 12.5,
        },
        { ...creds, developerToken: undefined },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const paths = (err as AppError).details.map((d) => d.path).sort();
    expect(paths).toEqual([
      'credentials.developerToken',
      'settings.apiVersion',
      'settings.conversionAction',
      'settings.customerId',
      'settings.fixedValueCents',
      'settings.loginCustomerId',
    ]);
    const customer = (err as AppError).details.find((d) => d.path === 'settings.customerId');
    expect(customer?.message).toMatch(/10-digit Google Ads customer id/);
  });
});
