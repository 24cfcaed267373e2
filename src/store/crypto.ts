import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../log/logger.ts';

const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D: 96-bit IVs for GCM

/** Decodes a 32-byte key given as 64 hex characters or base64. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('HUB_MASTER_KEY must decode to 32 bytes');
  return key;
}

/**
 * Returns the master key: HUB_MASTER_KEY when set; otherwise (local mode) the key in
 * `<dataDir>/master.key`, generated on first use with a warning.
 */
export function resolveMasterKey(
  configured: string | undefined,
  dataDir: string,
  log: Pick<Logger, 'warn'>,
): Buffer {
  if (configured) return parseMasterKey(configured);
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    log.warn(
      { file },
      'HUB_MASTER_KEY is not set: generated a local master key. Keep this file; set HUB_MASTER_KEY in production.',
    );
  }
  return parseMasterKey(readFileSync(file, 'utf8'));
}

/**
 * Seals and opens secrets with AES-256-GCM. The associated data binds a ciphertext to its owner
 * (tenant and connection), so a sealed value copied onto another record does not open.
 */
export class Vault {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('Vault key must be 32 bytes');
  }

  /** Encrypts `plaintext`; returns `v1:<iv>:<tag>:<ciphertext>` in base64url. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** Decrypts a value made by `seal` with the same `aad`; throws if it was altered. */
  open(sealed: string, aad: string): string {
    const [version, iv, tag, ct] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || ct === undefined)
      throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ct, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
