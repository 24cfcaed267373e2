import type { Redis } from 'ioredis';

import { AppError, type FieldIssue } from '../errors/app-error.ts';
import type { Keys } from '../store/keys.ts';
import {
  RECOMPUTE_SETTINGS,
  SETTING_NAMES,
  TenantSettingsPatchSchema,
  TenantSettingsSchema,
  type SettingName,
  type TenantSettings,
  type TenantSettingsPatch,
} from './settings.ts';

/** What a settings change did. */
export interface SettingsChange {
  before: TenantSettings;
  after: TenantSettings;
  /** Names whose value changed. */
  changed: SettingName[];
  /** True when a changed setting requires a full attribution recompute. */
  recompute: boolean;
}

/** Listener told after a change is stored (e.g. the attribution recompute). */
export type SettingsListener = (tenantId: string, change: SettingsChange) => Promise<void>;

/**
 * Validates a settings patch; a bad value throws a 400 `invalid_settings` naming each field and
 * why. Unknown names are refused too, so a typo never silently does nothing.
 */
export function parseSettingsPatch(input: unknown): TenantSettingsPatch {
  const r = TenantSettingsPatchSchema.safeParse(input);
  if (r.success) return r.data as TenantSettingsPatch;
  const details: FieldIssue[] = r.error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({
          path: k,
          message: `unknown setting; known: ${SETTING_NAMES.join(', ')}`,
        }))
      : [{ path: i.path.map(String).join('.') || '(body)', message: i.message }],
  );
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw new AppError(400, 'invalid_settings', `Invalid settings: ${summary}`, details);
}

/**
 * Per-tenant settings in one Redis hash (`keys.settings`), field = setting name, value = JSON.
 * Only set values are stored, so a default applies until someone sets the setting.
 */
export class SettingsStore {
  private readonly listeners: SettingsListener[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  /** Calls `fn` after every stored change. */
  onChange(fn: SettingsListener): void {
    this.listeners.push(fn);
  }

  /** The tenant's settings, defaults filled in. */
  async get(tenantId: string): Promise<TenantSettings> {
    const h = await this.redis.hgetall(this.k.settings(tenantId));
    const stored = Object.fromEntries(
      Object.entries(h)
        .filter(([name]) => (SETTING_NAMES as string[]).includes(name))
        .map(([name, v]) => [name, JSON.parse(v) as unknown]),
    );
    return TenantSettingsSchema.parse(stored);
  }

  /** Validates and stores a patch (one MULTI: all or nothing), then tells the listeners. */
  async update(tenantId: string, input: unknown): Promise<SettingsChange> {
    const patch = parseSettingsPatch(input);
    const before = await this.get(tenantId);
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length) {
      const tx = this.redis
        .multi()
        .hset(
          this.k.settings(tenantId),
          Object.fromEntries(entries.map(([n, v]) => [n, JSON.stringify(v)])),
        );
      // The tenant profile shows the same zone; both change in one transaction.
      if (patch.timeZone) tx.hset(this.k.tenant(tenantId), 'timezone', patch.timeZone);
      await tx.exec();
    }
    const after = { ...before, ...patch } as TenantSettings;
    const changed = SETTING_NAMES.filter((n) => before[n] !== after[n]);
    const change = {
      before,
      after,
      changed,
      recompute: changed.some((n) => RECOMPUTE_SETTINGS.includes(n)),
    };
    if (changed.length) for (const fn of this.listeners) await fn(tenantId, change);
    return change;
  }
}
