import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AppError } from '../errors/app-error.ts';
import { compileMapping, loadMappingFile, type MappingError } from '../mapping/index.ts';
import { toSyncMapping } from './mapping-adapter.ts';
import type { MappingSource } from './services.ts';
import type { SyncMapping } from './sync-mapping.ts';

/** The package's root folder: the nearest one above this module (in src/ or dist/src/) with package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the DealerLoop modules');
    dir = up;
  }
  return dir;
}

/** The mapping files shipped with DealerLoop. */
export const DEFAULT_MAPPINGS_DIR = join(packageRoot(), 'mappings');

/** A mapping's name: its file name without .yaml. */
export const MAPPING_NAME = /^[a-z0-9][a-z0-9-]{0,80}$/;

/** The 422 of a mapping that does not validate, each error with its line and column. */
export function invalidMapping(name: string, errors: readonly MappingError[]): AppError {
  return new AppError(
    422,
    'invalid_mapping',
    `mapping "${name}" does not validate`,
    errors.map((e) => ({
      path: `${e.line}:${e.column} ${e.toJSON().path}`,
      message: e.message,
    })),
  );
}

/**
 * Mappings read from a folder of YAML files, by name (file name without .yaml). A file is loaded
 * and compiled on first use and cached; compiled mappings are shared by content hash.
 */
export class DirectoryMappingSource implements MappingSource {
  private readonly cache = new Map<string, Promise<SyncMapping>>();

  constructor(readonly dir: string = DEFAULT_MAPPINGS_DIR) {}

  get(name: string): Promise<SyncMapping> {
    if (!MAPPING_NAME.test(name)) {
      return Promise.reject(new AppError(422, 'unknown_mapping', `invalid mapping name "${name}"`));
    }
    let hit = this.cache.get(name);
    if (!hit) {
      hit = this.load(name);
      hit.catch(() => this.cache.delete(name));
      this.cache.set(name, hit);
    }
    return hit;
  }

  private async load(name: string): Promise<SyncMapping> {
    const file = join(this.dir, `${name}.yaml`);
    if (!existsSync(file))
      throw new AppError(422, 'unknown_mapping', `no mapping "${name}" in ${this.dir}`);
    const loaded = await loadMappingFile(file);
    if (!loaded.ok) throw invalidMapping(name, loaded.errors);
    return { ...toSyncMapping(name, compileMapping(loaded.doc)), origin: { source: 'shipped' } };
  }

  /** The YAML text of mapping `name` (validated when it is used, as `get` does). */
  async text(name: string): Promise<string> {
    await this.get(name);
    return readFile(join(this.dir, `${name}.yaml`), 'utf8');
  }

  /** The mapping names of the folder (its `.yaml` files), in name order. */
  async names(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files
      .filter((f) => f.endsWith('.yaml') && MAPPING_NAME.test(f.slice(0, -5)))
      .map((f) => f.slice(0, -5))
      .sort();
  }
}
