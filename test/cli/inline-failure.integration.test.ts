import { afterAll, describe, expect, it } from 'vitest';

import { cliHome, runCli, runCliInProcess } from '../support/cli.ts';
import { TEST_MAPPINGS } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

// `sync run --inline` once crashed with "Connection is closed" after a failed run: the progress
// follower kept polling Redis after the command had closed the hub. The failed run runs as a child
// process against a system that refuses the read, so the crash (an unhandled rejection) would show
// as it did; in this process vitest would fail the run on it.

const home = cliHome('inline');
afterAll(() => home.cleanup());

const env = { ...home.env, MAPPINGS_DIR: TEST_MAPPINGS };
/** Runs the CLI to its end in this process (the set-up and the second run); its exit code and output. */
const cli = (args: string[]) => runCliInProcess(args, env);

describe('dealerloop sync run --inline on a failing system', () => {
  it('reports the failed run and exits 1, without "Connection is closed"', async () => {
    const system = await new FakeSystem().start();
    try {
      system.put('contacts', {
        id: 'c1',
        email: 'a@example.com',
        updated_at: '2026-11-20T10:00:00Z',
      });
      system.failRead = { n: 1, status: 400 };
      expect((await cli(['tenant', 'create', 'bayside', '--name', 'Bayside'])).code).toBe(0);
      const conn = await cli(
        ['connection', 'create', '--tenant', 'bayside', '--connector', 'http-json'].concat([
          '--name',
          'CRM',
          '--settings',
          JSON.stringify({ baseUrl: system.url }),
          '--json',
        ]),
      );
      const connectionId = (JSON.parse(conn.out) as { id: string }).id;
      const sync = await cli(
        ['sync', 'create', '--tenant', 'bayside', '--connection', connectionId].concat([
          '--mapping',
          'crm-a-contacts',
          '--mode',
          'inbound',
          '--json',
        ]),
      );
      const syncId = (JSON.parse(sync.out) as { id: string }).id;

      const failed = await runCli(['sync', 'run', syncId, '--tenant', 'bayside', '--inline'], env);
      expect(failed.err).not.toContain('Connection is closed');
      expect(failed.code).toBe(1);
      expect(failed.out).toMatch(/^failed · read 0 · /m);

      // The system answers again: the next inline run reads what the failed one could not.
      const again = await cli(['sync', 'run', syncId, '--tenant', 'bayside', '--inline']);
      expect(again.err).not.toContain('Connection is closed');
      expect(again.code).toBe(0);
      expect(again.out).toMatch(/^succeeded · read 1 · created 1 · /m);
    } finally {
      await system.stop();
    }
  }, 120_000);
});
