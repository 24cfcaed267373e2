import { describe, expect, it } from 'vitest';

import adfCrm from '../../connectors/adf-crm/index.ts';
import httpJson from '../../connectors/http-json/index.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { validateConnectionInput } from '../../src/sync/connection-runtime.ts';
import { secretsInSettings } from '../../src/sync/settings-secrets.ts';

describe('secrets in connection settings (stored as they are; credentials are sealed)', () => {
  it('names every URL that carries a password or a token, wherever it is in the settings', () => {
    expect(
      secretsInSettings({
        baseUrl: 'https://crm:hunter2@crm.example.com/api',
        nested: { hooks: ['https://x.example/in?api_key=abc', 'https://x.example/in?page=2'] },
        leadIntakeUrl: 'https://crm.example.com/adf?token=s3cr3t',
        plain: 'not a url with token=1',
        count: 3,
      }),
    ).toEqual([
      {
        path: 'settings.baseUrl',
        message: 'a URL with a user name or password: put the secret in the credentials (sealed)',
      },
      {
        path: 'settings.nested.hooks.0',
        message:
          'a URL whose query carries a secret (api_key): put the secret in the credentials (sealed)',
      },
      {
        path: 'settings.leadIntakeUrl',
        message:
          'a URL whose query carries a secret (token): put the secret in the credentials (sealed)',
      },
    ]);
    expect(secretsInSettings({ baseUrl: 'https://crm.example.com/api?monkey=1' })).toEqual([]);
  });

  it('refuses such settings when a connection is created or changed, with the other problems', () => {
    const refused = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        return (err as AppError).details;
      }
      throw new Error('accepted');
    };
    expect(
      refused(() =>
        validateConnectionInput(httpJson, { baseUrl: 'https://u:p@crm.example.com' }, {}),
      ),
    ).toEqual([expect.objectContaining({ path: 'settings.baseUrl' })]);
    const adf = {
      leadIntakeUrl: 'https://crm.example.com/adf?secret=abc',
      vendor: { name: 'Acme Ford', email: 'leads@acme.example' },
    };
    expect(refused(() => validateConnectionInput(adfCrm, adf, { password: '' }))).toEqual([
      expect.objectContaining({ path: 'settings.leadIntakeUrl' }),
      expect.objectContaining({ path: 'credentials.password' }),
    ]);
    // The same settings without the secret are fine.
    expect(() =>
      validateConnectionInput(httpJson, { baseUrl: 'https://crm.example.com' }, {}),
    ).not.toThrow();
  });
});
