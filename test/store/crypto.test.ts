import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { parseMasterKey, resolveMasterKey, Vault } from '../../src/store/crypto.ts';

describe('Vault', () => {
  const vault = new Vault(randomBytes(32));

  it('round-trips and never repeats a ciphertext', () => {
    const a = vault.seal('{"token":"s3cr3t"}', 'conn:a');
    const b = vault.seal('{"token":"s3cr3t"}', 'conn:a');
    expect(a).not.toBe(b);
    expect(a).not.toContain('s3cr3t');
    expect(vault.open(a, 'conn:a')).toBe('{"token":"s3cr3t"}');
  });

  it('refuses a tampered value, another owner, or another key', () => {
    const sealed = vault.seal('secret', 'conn:a');
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(() => vault.open(parts.join(':'), 'conn:a')).toThrow();
    expect(() => vault.open(sealed, 'conn:b')).toThrow();
    expect(() => new Vault(randomBytes(32)).open(sealed, 'conn:a')).toThrow();
  });
});

describe('master key', () => {
  it('parses hex and base64, refuses other lengths', () => {
    const k = randomBytes(32);
    expect(parseMasterKey(k.toString('hex'))).toEqual(k);
    expect(parseMasterKey(k.toString('base64'))).toEqual(k);
    expect(() => parseMasterKey('abcd')).toThrow(/32 bytes/);
  });

  it('generates a local key once, with a warning, readable only by the owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dl-key-'));
    try {
      const warn = vi.fn();
      const first = resolveMasterKey(undefined, dir, { warn } as never);
      const second = resolveMasterKey(undefined, dir, { warn } as never);
      expect(first).toEqual(second);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(statSync(join(dir, 'master.key')).mode & 0o077).toBe(0);
      expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toHaveLength(64);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
