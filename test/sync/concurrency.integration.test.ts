import { describe, expect, it } from 'vitest';

import { openConnection } from '../../src/sync/connection-runtime.ts';
import { useEngineWithSystems } from '../support/engine.ts';

const t = useEngineWithSystems('system');

describe("a connection's concurrency limit", () => {
  it('holds across runtimes that share nothing but Redis (as worker processes do)', async () => {
    const connectionId = await t.h.connect('http-json', t.system, { concurrency: 2 });
    t.system.onWrite = () => new Promise((r) => setTimeout(r, 40));
    const svc = t.h.engine.service.svc;
    const workers = await Promise.all(
      [1, 2, 3].map(() => openConnection(svc.hub, svc.registry, t.h.tenantId, connectionId)),
    );
    const sink = workers[0]!.connector.sinks!.contacts!;
    const item = (n: number) => ({
      canonicalId: `cus_${n}`,
      destinationId: null,
      idempotencyKey: `k${n}`,
      record: { email: `p${n}@example.com` },
    });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, n) => {
        const rt = workers[n % 3]!;
        return rt.call(() => sink.write(rt.ctx, [item(n)]));
      }),
    );
    expect(results.flat().every((r) => r.ok)).toBe(true);
    expect(t.system.list('contacts')).toHaveLength(12);
    expect(t.system.maxInFlight).toBe(2);
    // Every lease was given back.
    expect(await t.h.hub.redis.zcard(t.h.hub.keys.inFlight(t.h.tenantId, connectionId))).toBe(0);
  });
});
