import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { connectors } from '../../connectors/index.ts';
import { connectorDetails } from '../../src/cli/connector-commands.ts';
import { exampleFromDescription } from '../../src/sdk/describe.ts';

const BIN = join(import.meta.dirname, '../../bin/dealerloop.js');
const cli = (...args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('dealerloop connector show', () => {
  it('describes settings and credentials from the zod schemas: type, required, default, example', () => {
    const mc = connectorDetails(connectors.find((c) => c.id === 'mailchimp')!);
    expect(mc.settings.find((f) => f.name === 'listId')).toMatchObject({
      type: 'string',
      required: true,
      example: 'a1b2c3d4e5',
      description: expect.stringContaining('Audience (list) id'),
    });
    expect(mc.settings.find((f) => f.name === 'pageSize')).toMatchObject({
      type: 'integer',
      required: false,
      default: 500,
      maximum: 1000,
    });
    expect(mc.settings.find((f) => f.name === 'activityActions')?.choices).toContain('bounce');
    expect(mc.credentials.map((f) => f.name)).toEqual(['apiKey', 'accessToken', 'webhookSecret']);
    expect(mc.streams.map((s) => s.name)).toEqual(['members', 'touchpoints', 'campaigns']);
  });

  it('every connector describes every field it asks for', () => {
    for (const c of connectors) {
      const d = connectorDetails(c);
      for (const f of [...d.settings, ...d.credentials])
        expect(f.description, `${c.id}.${f.name}`).toBeTruthy();
    }
  });

  it('reads the example after "e.g." in a description', () => {
    expect(exampleFromDescription('Data center, e.g. us14; taken from the key')).toBe('us14');
    expect(exampleFromDescription('A name, e.g. "Acme", shown in lists')).toBe('"Acme"');
    expect(exampleFromDescription('No example here')).toBeNull();
  });

  it('prints as a table, and `connectors --json` lists streams and sinks as arrays', () => {
    const text = cli('connector', 'show', 'mailchimp');
    expect(text).toMatch(/^Settings \(--settings JSON\):$/m);
    expect(text).toMatch(/^listId\s+string\s+yes\s+a1b2c3d4e5\s+Audience/m);
    const list = JSON.parse(cli('connectors', '--json')) as { id: string; streams: unknown }[];
    expect(list.find((c) => c.id === 'hubspot')?.streams).toEqual([
      'contacts',
      'deals',
      'engagements',
    ]);
    expect(list.every((c) => Array.isArray(c.streams))).toBe(true);
  });
});
