import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openConnection } from '../../src/sync/connection-runtime.ts';
import { openEngineHarness, type EngineHarness } from '../support/engine.ts';
import { FakeSystem } from '../support/fake-system.ts';

let h: EngineHarness;
let system: FakeSystem;

beforeEach(async () => {
  h = await openEngineHarness();
  system = await new FakeSystem().start();
});
afterEach(async () => {
  await h.close();
  await system.stop();
});

describe("a connection's concurrency limit", () => {
  it('holds across runtimes that share nothing but Redis (as worker processes do)', async () => {
    const connectionId = await h.connect('http-json', system, { concurrency: 2 });
    system.onWrite = () => new Promise((r) => setTimeout(r, 40));
    const svc = h.engine.service.svc;
    const workers = await Promise.all(
      [1, 2, 3].map(() => openConnection(svc.hub, svc.registry, h.tenantId, connectionId)),
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
    expect(system.list('contacts')).toHaveLength(12);
    expect(system.maxInFlight).toBe(2);
    // Every lease was given back.
    expect(await h.hub.redis.zcard(h.hub.keys.inFlight(h.tenantId, connectionId))).toBe(0);
  });
});
