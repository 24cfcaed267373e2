import { describe, expect, it } from 'vitest';

import { runSync } from '../../src/sync/run-sync.ts';
import { useEngineWithSystems } from '../support/engine.ts';
import { expectExactlyOnce } from './support.ts';

const t = useEngineWithSystems('source', 'sink');
const run = (syncId: string) => runSync(t.h.engine.service.svc, t.h.tenantId, syncId, 'manual');

describe('A → B → A', () => {
  it('a value changed back reaches a destination that honours idempotency keys', async () => {
    const put = (first: string, day: number) =>
      t.source.put('contacts', {
        id: 'c-1',
        email: 'p1@example.com',
        first_name: first,
        updated_at: `2026-11-${day}T10:00:00Z`,
      });
    const inbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.source),
      mapping: 'crm-a-contacts',
      mode: 'inbound',
    });
    const outbound = await t.h.addSync({
      connectionId: await t.h.connect('http-json', t.sink),
      mapping: 'crm-a-contacts',
      mode: 'outbound',
    });
    const firstNames: unknown[] = [];
    for (const [first, day] of [
      ['Ann', 20],
      ['Beth', 21],
      ['Ann', 22],
    ] as const) {
      put(first, day);
      await run(inbound.id);
      expect((await run(outbound.id))?.counts.written).toBe(1);
      firstNames.push(t.sink.list('contacts').map((r) => r.first_name));
    }
    expect(firstNames).toEqual([['Ann'], ['Beth'], ['Ann']]);
    expect(t.sink.applied.get('contacts')?.size).toBe(3); // three writes, three keys
    expectExactlyOnce(
      'A -> B -> A at a sink honouring idempotency keys',
      t.source.list('contacts').map((r) => `${String(r.email)} ${String(r.first_name)}`),
      t.sink.list('contacts').map((r) => `${String(r.email)} ${String(r.first_name)}`),
    );
  });
});
