import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import type { Command } from 'commander';

import {
  loadMappingFile,
  mappingJsonSchema,
  previewInWorker,
  SCHEMA_FILE,
  type MappingError,
  type MappingResult,
} from '../mapping/index.ts';
import { readConnectionSample, type ConnectionSampleOptions } from './mapping-sample.ts';
import { registerTenantMappingCommands } from './tenant-mapping-commands.ts';

/** Where command output goes; tests pass their own. */
export interface CliIO {
  out(text: string): void;
}

const stdio: CliIO = { out: (t) => void process.stdout.write(t) };
const line = (io: CliIO, text = '') => io.out(`${text}\n`);

async function defaultFiles(): Promise<string[]> {
  const names = await readdir('mappings');
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => join('mappings', n));
}

/**
 * `dealerloop mapping validate [files...]`: loads every file (default: all of mappings/) and
 * prints each error as `file:line:col path: reason`.
 * @returns the exit code: 0 when all validate, 1 otherwise.
 */
export async function validateMappings(
  files: string[],
  opts: { json?: boolean },
  io: CliIO = stdio,
): Promise<number> {
  const list = files.length > 0 ? files : await defaultFiles();
  const results: { file: string; ok: boolean; errors: MappingError[]; summary?: string }[] = [];
  for (const file of list) {
    const r = await loadMappingFile(file).catch((e: Error) => ({
      ok: false as const,
      errors: [],
      failure: e.message,
    }));
    if (r.ok)
      results.push({
        file,
        ok: true,
        errors: [],
        summary: `${r.doc.connector}.${r.doc.stream} → ${r.doc.entity}, ${Object.keys(r.doc.fields).length} fields`,
      });
    else
      results.push({
        file,
        ok: false,
        errors: r.errors,
        ...('failure' in r ? { summary: r.failure } : {}),
      });
  }
  const bad = results.filter((r) => !r.ok);
  if (opts.json) {
    line(
      io,
      JSON.stringify(
        {
          ok: bad.length === 0,
          files: results.map((r) => ({
            file: r.file,
            ok: r.ok,
            errors: r.errors.map((e) => e.toJSON()),
            ...(r.ok ? {} : r.summary ? { failure: r.summary } : {}),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    for (const r of results) {
      if (r.ok) line(io, `ok    ${r.file} (${r.summary})`);
      else if (r.errors.length === 0) line(io, `error ${r.file}: ${r.summary}`);
      for (const e of r.errors) line(io, e.format());
    }
    const count = bad.reduce((n, r) => n + Math.max(1, r.errors.length), 0);
    line(
      io,
      bad.length === 0
        ? `${results.length} mapping(s) valid`
        : `${bad.length} of ${results.length} mapping(s) invalid, ${count} error(s)`,
    );
  }
  return bad.length === 0 ? 0 : 1;
}

function renderResult(io: CliIO, key: string | undefined, r: MappingResult): void {
  line(
    io,
    `record ${key ?? '(no key)'}${r.quarantined ? ' — QUARANTINED (a required field failed)' : ''}`,
  );
  line(io, JSON.stringify(r.value, null, 2));
  if (r.errors.length === 0) line(io, 'no field errors');
  for (const e of r.errors) {
    const value = e.value === undefined ? '' : ` (value ${JSON.stringify(e.value)})`;
    line(io, `${e.fatal ? 'ERROR' : 'warn '} ${e.field}: ${e.reason}${value}`);
  }
}

/**
 * The sample record shipped for a mapping: `samples/<name>.json` beside it (a system record, for
 * `in`) or `samples/<name>.out.json` (a canonical record, for `out`).
 */
export function sampleFor(file: string, direction: 'in' | 'out'): string {
  const name = basename(file).replace(/\.ya?ml$/, '');
  return join(dirname(file), 'samples', `${name}${direction === 'out' ? '.out' : ''}.json`);
}

/** The records a preview maps: `--input`, else the mapping's sample file. */
async function fileRecords(file: string, opts: PreviewOptions, io: CliIO): Promise<unknown[]> {
  const input = opts.input ?? sampleFor(file, opts.direction ?? 'in');
  if (!opts.input && !opts.json) line(io, `input: ${input} (the mapping's sample record)`);
  const parsed: unknown = JSON.parse(await readFile(input, 'utf8'));
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** How `mapping preview` runs; `records` (read from a connection) replace `input`. */
export interface PreviewOptions {
  input?: string;
  direction?: 'in' | 'out';
  json?: boolean;
  records?: unknown[];
}

/**
 * `dealerloop mapping preview <file> [--input record.json] [--direction in|out]`: maps a record (or
 * a JSON array of records, or records read from a connection) and prints the result with every
 * field error.
 * @returns 0 when every record maps, 1 when the mapping is invalid or a record is quarantined.
 */
export async function previewMapping(
  file: string,
  opts: PreviewOptions,
  io: CliIO = stdio,
): Promise<number> {
  const loaded = await loadMappingFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) line(io, e.format());
    return 1;
  }
  const records = opts.records ?? (await fileRecords(file, opts, io));
  const direction = opts.direction ?? 'in';
  const outcome = await previewInWorker({ doc: loaded.doc, records, direction });
  if (!outcome.ok) {
    line(io, `${file}: ${outcome.problem}`);
    return 1;
  }
  const results = outcome.results;
  const id = `${loaded.doc.connector}.${loaded.doc.stream}`;
  if (opts.json) line(io, JSON.stringify({ mapping: id, direction, results }, null, 2));
  else results.forEach((r) => renderResult(io, r.recordKey, r));
  return results.some((r) => r.quarantined) ? 1 : 0;
}

/** `dealerloop mapping schema [--out file]`: writes the JSON Schema generated from the zod schema. */
export async function writeMappingSchema(
  opts: { out?: string },
  io: CliIO = stdio,
): Promise<number> {
  const text = mappingJsonSchema();
  if (opts.out === '-') io.out(text);
  else {
    await writeFile(opts.out ?? SCHEMA_FILE, text);
    line(io, `wrote ${opts.out ?? SCHEMA_FILE}`);
  }
  return 0;
}

type PreviewCommandOptions = PreviewOptions & Partial<ConnectionSampleOptions>;

/** `mapping preview`, on the sample file or `--input`, or on records read from `--connection`. */
async function previewCommand(file: string, o: PreviewCommandOptions): Promise<number> {
  if (!o.connection) return previewMapping(file, o);
  const sample = await readConnectionSample(file, { ...o, connection: o.connection });
  if (!sample.ok) {
    line(stdio, `FAILED: ${sample.message} (status ${sample.status})`);
    return 1;
  }
  if (!o.json)
    line(
      stdio,
      `input: ${sample.records.length} record(s) read from connection ${o.connection}, stream ${sample.stream} (nothing saved)`,
    );
  return previewMapping(file, { ...o, records: sample.records });
}

const setExit = (code: number) => {
  if (code !== 0) process.exitCode = code;
};

/** Adds `mapping validate | preview | schema` to the `dealerloop` program (commander 14). */
export function registerMappingCommands(program: Command): void {
  const mapping = program
    .command('mapping')
    .description("Validate, preview and describe mapping files; save and show a tenant's own");
  mapping
    .command('validate')
    .description('Validate mapping files (default: every file in mappings/)')
    .argument('[files...]', 'mapping files')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], o: { json?: boolean }) =>
      setExit(await validateMappings(files, o)),
    );
  mapping
    .command('preview')
    .description('Map a record through a mapping and show the result and every field error')
    .argument('<file>', 'mapping file')
    .option(
      '--input <record.json>',
      'JSON file with one record or an array of records (default: the sample in mappings/samples/)',
    )
    .option('--direction <direction>', 'in (system → hub) or out (hub → system)', 'in')
    .option('--connection <id>', "map the first records of this connection's stream instead")
    .option('--tenant <id>', 'tenant of --connection')
    .option('--stream <name>', "stream to read with --connection (default: the mapping's)")
    .option('--limit <n>', 'records to read with --connection (1-20)', '3')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: PreviewCommandOptions) => {
      if (o.direction !== 'in' && o.direction !== 'out')
        throw new Error('--direction must be in or out');
      setExit(await previewCommand(file, o));
    });
  mapping
    .command('schema')
    .description(`Write the mapping JSON Schema (default ${SCHEMA_FILE}; "-" for stdout)`)
    .option('--out <file>', 'where to write it')
    .action(async (o: { out?: string }) => setExit(await writeMappingSchema(o)));
  registerTenantMappingCommands(mapping);
}
