import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_MAPPINGS_DIR } from '../../src/sync/mapping-source.ts';
import { cliHome, runCli, runCliInProcess } from '../support/cli.ts';

const home = cliHome('tenant-mappings');
afterAll(() => home.cleanup());

const NAME = 'http-json-leads';
const SHIPPED = readFileSync(join(DEFAULT_MAPPINGS_DIR, `${NAME}.yaml`), 'utf8');
// In this process (the same program, output captured), but for the refusal, which runs the real
// binary as a child: its exit code 1 and both streams as a person sees them.
const cli = (...args: string[]) => runCliInProcess(args, home.env);
const file = (name: string, text: string) => {
  const path = join(home.dir, name);
  writeFileSync(path, text);
  return path;
};

describe('dealerloop mapping save | show | versions | list | delete', () => {
  it("keeps a tenant's versions, refuses an invalid file with file:line:column, falls back on delete", async () => {
    expect((await cli('tenant', 'create', 'acme-ford', '--name', 'Acme Ford')).code).toBe(0);
    const v1 = file('v1.yaml', SHIPPED.replace('    value: website\n', '    value: dealer-site\n'));
    const v2 = file('v2.yaml', SHIPPED.replace('    value: website\n', '    value: dealer-v2\n'));
    const t = ['--tenant', 'acme-ford'];

    const first = await cli('mapping', 'save', NAME, ...t, '--file', v1);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(new RegExp(`^saved ${NAME} version 1 for acme-ford`));
    const second = await cli('mapping', 'save', NAME, ...t, '--file', v2, '--json');
    expect(JSON.parse(second.out)).toMatchObject({ created: true, version: { version: 2 } });

    const badText = readFileSync(v2, 'utf8').replace('transform: [email]', 'transform: [emial]');
    const bad = file('bad.yaml', badText);
    const refused = await runCli(['mapping', 'save', NAME, ...t, '--file', bad], home.env);
    const line = badText.split('\n').findIndex((l) => l.includes('emial')) + 1;
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      new RegExp(`^${bad}:${line}:\\d+ fields\\.customer\\.email\\.transform\\[0\\]: .*"email"`),
    );
    expect(refused.err).toContain('nothing saved');

    const shown = await cli('mapping', 'show', NAME, ...t, '--version', '1');
    expect(shown.out).toBe(readFileSync(v1, 'utf8'));
    expect(shown.err).toMatch(/^# http-json-leads version 1 of acme-ford, saved by cli:/);
    const versions = JSON.parse((await cli('mapping', 'versions', NAME, ...t, '--json')).out);
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const list = JSON.parse((await cli('mapping', 'list', ...t, '--json')).out);
    expect(list.find((m: { name: string }) => m.name === NAME)).toMatchObject({
      source: 'tenant',
      latest: { version: 2 },
    });

    const deleted = await cli('mapping', 'delete', NAME, ...t);
    expect(deleted.out).toContain('its syncs use the shipped file from their next run');
    const after = await cli('mapping', 'show', NAME, ...t);
    expect(after.out).toBe(SHIPPED);
    expect(after.err).toContain('the shipped file');
  }, 240_000);
});
