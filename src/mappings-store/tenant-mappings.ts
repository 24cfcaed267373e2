import { AppError, notFound } from '../errors/app-error.ts';
import {
  compileMapping,
  loadMappingText,
  locateProblems,
  type MappingDoc,
  type MappingError,
} from '../mapping/index.ts';
import { toSyncMapping } from '../sync/mapping-adapter.ts';
import { invalidMapping, MAPPING_NAME } from '../sync/mapping-source.ts';
import type { MappingSource } from '../sync/services.ts';
import type { SyncMapping } from '../sync/sync-mapping.ts';
import {
  TenantMappingStore,
  type MappingKind,
  type MappingVersion,
  type MappingVersionMeta,
} from './store.ts';

/** Compiled tenant mappings a process keeps (least recently used go first). */
const COMPILED_KEPT = 256;

/** What a save did, or every located error that refused it. */
export type SaveResult =
  | { ok: true; created: boolean; version: MappingVersionMeta; kind: MappingKind }
  | { ok: false; errors: MappingError[] };

/** One mapping with its text: a version of the tenant's own, or the shipped file. */
export interface MappingShown extends MappingKind {
  name: string;
  source: 'tenant' | 'shipped';
  hash: string;
  yaml: string;
  /** The tenant's version shown, with who saved it and when (tenant mappings only). */
  version?: MappingVersionMeta;
}

/** A mapping as listed: the tenant's own (latest version) or a shipped file. */
export interface MappingListing extends MappingKind {
  name: string;
  source: 'tenant' | 'shipped';
  hash: string;
  /** The tenant's latest version (tenant mappings only). */
  latest?: MappingVersionMeta;
  /** True when a shipped file of the same name exists (the tenant's one overrides it). */
  shipped: boolean;
}

const KIND_FIELDS = ['connector', 'stream', 'entity'] as const;

/** The name, checked like a sync's mapping name. */
function checkName(name: string): void {
  if (!MAPPING_NAME.test(name)) {
    throw new AppError(422, 'validation_failed', 'invalid mapping name', [
      { path: 'name', message: 'lower-case letters, digits and dashes, e.g. http-json-leads' },
    ]);
  }
}

/**
 * The mappings of every tenant: each tenant's own, saved in Redis (`TenantMappingStore`), in
 * front of the shipped files. A sync of tenant T naming mapping M runs on T's latest version of
 * M, else on the shipped file M. Every lookup reads the latest version's number and hash from
 * Redis (one HGET), so a save is seen by every process (API, each worker) on the next run, with
 * no restart and no message between them; the compiled mapping is kept by name and content hash.
 */
export class TenantMappings implements MappingSource {
  private readonly compiled = new Map<string, Promise<SyncMapping>>();

  constructor(
    readonly store: TenantMappingStore,
    /** The shipped files (or a test's own source). */
    readonly shipped: MappingSource,
    /** Whether a connector id is one this hub has (checked on save). */
    private readonly knownConnector: (id: string) => boolean = () => true,
  ) {}

  async get(name: string, tenantId?: string): Promise<SyncMapping> {
    const latest =
      tenantId && MAPPING_NAME.test(name) ? await this.store.latest(tenantId, name) : null;
    if (!tenantId || !latest) return this.shipped.get(name);
    const key = `${name}|${latest.hash}`;
    let hit = this.compiled.get(key);
    if (hit) this.compiled.delete(key);
    else hit = this.compile(tenantId, name, latest.version);
    this.compiled.set(key, hit);
    if (this.compiled.size > COMPILED_KEPT)
      this.compiled.delete(this.compiled.keys().next().value!);
    hit.catch(() => this.compiled.delete(key));
    const mapping = await hit;
    return { ...mapping, origin: { source: 'tenant', version: latest.version } };
  }

  names(): Promise<string[]> {
    return this.shipped.names?.() ?? Promise.resolve([]);
  }

  private async compile(tenantId: string, name: string, version: number): Promise<SyncMapping> {
    const saved = await this.store.version(tenantId, name, version);
    if (!saved) throw notFound(`version ${version} of mapping "${name}"`);
    const loaded = loadMappingText(saved.yaml, `${name}.yaml`);
    // Validated when saved; a later release may check more, and says so the same way.
    if (!loaded.ok) throw invalidMapping(name, loaded.errors);
    return toSyncMapping(name, compileMapping(loaded.doc));
  }

  /**
   * Validates `yaml` as `mapping validate` does (located errors, the limits, regex safety), then
   * checks its connector exists and that its connector, stream and entity are those of the shipped
   * file of that name or of its first version (syncs keep cursors and feed readers by them). Valid,
   * it becomes the next version, unless it is the latest's text again (then nothing changes).
   * @param fileName the name errors carry (the CLI passes the file it read).
   */
  async save(
    tenantId: string,
    name: string,
    yaml: string,
    savedBy: string,
    fileName = `${name}.yaml`,
  ): Promise<SaveResult> {
    checkName(name);
    const loaded = loadMappingText(yaml, fileName);
    if (!loaded.ok) return loaded;
    const doc = loaded.doc;
    const kind: MappingKind = { connector: doc.connector, stream: doc.stream, entity: doc.entity };
    const fixed = (await this.shippedKind(name)) ?? (await this.store.kind(tenantId, name));
    const problems = this.kindProblems(doc, fixed, name);
    if (problems.length) return { ok: false, errors: locateProblems(yaml, fileName, problems) };
    const meta = {
      hash: doc.hash!,
      savedBy,
      savedAt: new Date().toISOString(),
      bytes: Buffer.byteLength(yaml),
    };
    const r = await this.store.append(tenantId, name, kind, meta, yaml);
    if (r.kind === 'kindFixed') {
      const again = this.kindProblems(doc, r.fixed, name);
      return { ok: false, errors: locateProblems(yaml, fileName, again) };
    }
    const version = (await this.store.version(tenantId, name, r.version))!;
    const { yaml: _text, ...saved } = version;
    return { ok: true, created: r.kind === 'created', version: saved, kind };
  }

  /** The connector, stream and entity of the shipped file `name`, or null when there is none. */
  private async shippedKind(name: string): Promise<MappingKind | null> {
    const m = await this.shipped.get(name).catch(() => null);
    return m && { connector: m.connector, stream: m.stream, entity: m.entity };
  }

  private kindProblems(doc: MappingDoc, fixed: MappingKind | null, name: string) {
    const problems: { path: string[]; message: string }[] = [];
    if (!this.knownConnector(doc.connector))
      problems.push({
        path: ['connector'],
        message: `no connector "${doc.connector}" in this hub`,
      });
    for (const f of KIND_FIELDS) {
      if (fixed && doc[f] !== fixed[f])
        problems.push({
          path: [f],
          message: `mapping "${name}" has ${f} "${fixed[f]}" (syncs keep their cursors and readers by it); save a mapping of ${f} "${doc[f]}" under a new name`,
        });
    }
    return problems;
  }

  /** One version of the tenant's mapping (default: the latest), with its text. */
  async version(tenantId: string, name: string, version?: number): Promise<MappingVersion> {
    checkName(name);
    const v = await this.store.version(tenantId, name, version);
    if (!v)
      throw notFound(version ? `version ${version} of mapping "${name}"` : `mapping "${name}"`);
    return v;
  }

  /**
   * What a sync of the tenant would use under `name` (its latest version, else the shipped file),
   * or, with `version`, that version of the tenant's own.
   */
  async show(tenantId: string, name: string, version?: number): Promise<MappingShown> {
    checkName(name);
    if (version !== undefined || (await this.store.latest(tenantId, name))) {
      const { yaml, ...meta } = await this.version(tenantId, name, version);
      const kind = (await this.store.kind(tenantId, name))!;
      return { name, source: 'tenant', ...kind, hash: meta.hash, yaml, version: meta };
    }
    const m = await this.shipped.get(name).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'unknown_mapping')
        throw notFound(`mapping "${name}"`);
      throw err;
    });
    const yaml = this.shipped.text ? await this.shipped.text(name) : '';
    const kind = { connector: m.connector, stream: m.stream, entity: m.entity };
    return { name, source: 'shipped', ...kind, hash: m.hash, yaml };
  }

  /**
   * The tenant's versions of `name` older than `before` (null: from the newest), newest first.
   * @throws AppError 404 when the tenant never saved that name.
   */
  async versions(
    tenantId: string,
    name: string,
    before: number | null,
    limit: number,
  ): Promise<MappingVersionMeta[]> {
    checkName(name);
    if (!(await this.store.exists(tenantId, name))) throw notFound(`mapping "${name}"`);
    return this.store.versions(tenantId, name, before, limit);
  }

  /** The tenant's mappings and the shipped ones, one entry per name, in name order. */
  async list(tenantId: string): Promise<MappingListing[]> {
    const [own, shippedNames] = await Promise.all([this.store.names(tenantId), this.names()]);
    const latest = await this.store.latestOf(tenantId, own);
    const shippedSet = new Set(shippedNames);
    const out: MappingListing[] = [];
    for (const [name, meta] of latest) {
      const kind = (await this.store.kind(tenantId, name))!;
      out.push({
        name,
        source: 'tenant',
        ...kind,
        hash: meta.hash,
        latest: meta,
        shipped: shippedSet.has(name),
      });
    }
    for (const name of shippedNames) {
      if (latest.has(name)) continue;
      const m = await this.shipped.get(name).catch(() => null);
      if (!m) continue; // a shipped file that does not validate is `mapping validate`'s to report
      const kind = { connector: m.connector, stream: m.stream, entity: m.entity };
      out.push({ name, source: 'shipped', ...kind, hash: m.hash, shipped: true });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Deletes the tenant's mapping (its syncs use the shipped file again). */
  async remove(tenantId: string, name: string, deletedBy: string): Promise<void> {
    checkName(name);
    if (!(await this.store.remove(tenantId, name, deletedBy))) throw notFound(`mapping "${name}"`);
  }
}
