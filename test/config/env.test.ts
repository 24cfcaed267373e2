import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config/env.ts';

describe('loadConfig', () => {
  it('fills defaults for a local run', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      ARCHIVE_URL: './data/archive',
      PORT: 8787,
      LOG_LEVEL: 'info',
      REDIS_PREFIX: 'dl',
    });
    expect(c.HUB_MASTER_KEY).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).PORT).toBe(8787);
  });

  it('lists every bad variable with its reason in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        REDIS_URL: 'localhost:6379',
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        HUB_MASTER_KEY: 'short',
        ARCHIVE_URL: 'ftp://somewhere',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual([
      'ARCHIVE_URL',
      'HUB_MASTER_KEY',
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
    ]);
    expect(e.message).toContain('REDIS_URL: must start with redis:// or rediss://');
    expect(e.message).toContain('PORT: must be a number');
    expect(e.message).toContain(
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    );
    expect(e.message).toContain('HUB_MASTER_KEY: must be 32 bytes');
  });

  it('accepts S3 archives with an endpoint and requires a master key in production', () => {
    const c = loadConfig({
      ARCHIVE_URL: 's3://dealerloop-archive/prod',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      HUB_MASTER_KEY: 'a'.repeat(64),
    });
    expect(c.S3_FORCE_PATH_STYLE).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /HUB_MASTER_KEY: is required when NODE_ENV=production/,
    );
  });
});
