import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';

import type { Command } from 'commander';

import type { MappingVersionMeta } from '../mappings-store/store.ts';
import { emit, fail, table } from './output.ts';
import { withEngine } from './with-hub.ts';

/** Who saves from this shell: `cli:<os user>`. */
function cliUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;
const versionRow = (v: MappingVersionMeta) => ({ ...v, hash: short(v.hash) });
const positive = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--version must be a whole number ≥ 1, not "${v}"`);
  return n;
};

/** `mapping save <name> --tenant <t> --file f.yaml`. */
function addSave(mapping: Command): void {
  mapping
    .command('save <name>')
    .description("Save a file as the tenant's next version of mapping <name> (validated first)")
    .requiredOption('--tenant <id>', 'tenant id')
    .requiredOption('--file <file.yaml>', 'the mapping file')
    .option('--json', 'output JSON')
    .action(async (name: string, o: { tenant: string; file: string; json?: boolean }) => {
      const yaml = await readFile(o.file, 'utf8');
      const r = await withEngine((e) =>
        e.service.svc.mappings.save(o.tenant, name, yaml, cliUser(), o.file),
      );
      if (!r.ok) {
        if (o.json) emit(true, { ok: false, errors: r.errors.map((e) => e.toJSON()) }, () => '');
        else for (const e of r.errors) process.stdout.write(`${e.format()}\n`);
        fail(`${o.file}: ${r.errors.length} error(s); nothing saved`);
        return;
      }
      emit(!!o.json, { name, ...r }, () =>
        r.created
          ? `saved ${name} version ${r.version.version} for ${o.tenant} (${short(r.version.hash)}); its syncs use it from their next run`
          : `unchanged: version ${r.version.version} of ${name} already has this text`,
      );
    });
}

/** `mapping show <name> --tenant <t> [--version N]`: the YAML on stdout, what it is on stderr. */
function addShow(mapping: Command): void {
  mapping
    .command('show <name>')
    .description(
      "What the tenant's syncs use under <name>: its latest version, else the shipped file",
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--version <n>', "a version of the tenant's own", positive)
    .option('--json', 'output JSON')
    .action(async (name: string, o: { tenant: string; version?: number; json?: boolean }) => {
      const m = await withEngine((e) => e.service.svc.mappings.show(o.tenant, name, o.version));
      if (o.json) return emit(true, m, () => '');
      const v = m.version;
      process.stderr.write(
        v
          ? `# ${name} version ${v.version} of ${o.tenant}, saved by ${v.savedBy} at ${v.savedAt} (${short(m.hash)})\n`
          : `# ${name}: the shipped file (${o.tenant} has no mapping of its own by this name)\n`,
      );
      process.stdout.write(m.yaml.endsWith('\n') ? m.yaml : `${m.yaml}\n`);
    });
}

/** `mapping versions`, `mapping list` and `mapping delete`. */
function addHistory(mapping: Command): void {
  mapping
    .command('versions <name>')
    .description("The tenant's versions of a mapping, newest first")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .option('--json', 'output JSON')
    .action(async (name: string, o: { tenant: string; limit: number; json?: boolean }) => {
      const list = await withEngine((e) =>
        e.service.svc.mappings.versions(o.tenant, name, null, o.limit),
      );
      emit(!!o.json, list, () =>
        table(list.map(versionRow), ['version', 'hash', 'savedBy', 'savedAt', 'bytes']),
      );
    });
  mapping
    .command('list')
    .description("The tenant's mappings and the shipped ones (which one its syncs use)")
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--json', 'output JSON')
    .action(async (o: { tenant: string; json?: boolean }) => {
      const list = await withEngine((e) => e.service.svc.mappings.list(o.tenant));
      const rows = list.map((m) => ({ ...m, version: m.latest?.version, hash: short(m.hash) }));
      emit(!!o.json, list, () =>
        table(rows, ['name', 'source', 'version', 'connector', 'stream', 'entity', 'hash']),
      );
    });
  mapping
    .command('delete <name>')
    .description(
      "Delete the tenant's mapping: its syncs use the shipped file again (versions stay)",
    )
    .requiredOption('--tenant <id>', 'tenant id')
    .action(async (name: string, o: { tenant: string }) => {
      const shipped = await withEngine(async (e) => {
        await e.service.svc.mappings.remove(o.tenant, name, cliUser());
        return (await e.service.svc.mappings.names()).includes(name);
      });
      emit(false, null, () =>
        shipped
          ? `deleted ${o.tenant}'s ${name}; its syncs use the shipped file from their next run`
          : `deleted ${o.tenant}'s ${name}; there is no shipped file of that name, so syncs naming it fail until it is saved again`,
      );
    });
}

/** Adds `mapping save | show | versions | list | delete` (a tenant's own mappings, in Redis). */
export function registerTenantMappingCommands(mapping: Command): void {
  addSave(mapping);
  addShow(mapping);
  addHistory(mapping);
}
