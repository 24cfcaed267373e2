import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import httpJson from '../../connectors/http-json/index.ts';
import type { ConnectorDef } from '../../src/sdk/connector.ts';
import { ConnectorRegistry } from '../../src/sdk/registry.ts';
import { openConnection } from '../../src/sync/connection-runtime.ts';
import { openTestHub, type TestHub } from '../support/hub.ts';

let t: TestHub;
let server: Server;
let requests = 0;
const T = 'pace1';
beforeAll(async () => {
  t = await openTestHub();
  server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.cleanup();
});

/** Tokens left in the connection's shared bucket (it refills by a negligible amount meanwhile). */
async function tokensLeft(connectionId: string): Promise<number> {
  const v = await t.hub.redis.hget(t.hub.keys.rateBucket(T, connectionId), 'tokens');
  return Number(v);
}

describe('pacing of an HTTP connector', () => {
  it('takes one token of the shared budget per HTTP request sent, not per call', async () => {
    const { port } = server.address() as AddressInfo;
    // A budget of 10 tokens refilling at one per 1,000 s: counting tokens counts requests.
    const conn = await t.hub.connections.create(T, {
      connectorId: 'http-json',
      name: 'paced',
      settings: { baseUrl: `http://127.0.0.1:${port}`, requestsPerSecond: 0.001 },
    });
    const registry = new ConnectorRegistry([
      {
        ...(httpJson as unknown as ConnectorDef),
        limits: { requestsPerSecond: 0.001, burst: 10, batchSize: 100 },
      },
    ]);
    const rt = await openConnection(t.hub, registry, T, conn.id);
    await rt.call(async () => {
      for (let i = 0; i < 3; i++) await rt.ctx.http.get('/x');
    });
    expect(requests).toBe(3);
    expect(await tokensLeft(conn.id)).toBeCloseTo(7, 1);
    // A call that sends nothing takes nothing.
    await rt.call(async () => 'no request');
    expect(await tokensLeft(conn.id)).toBeCloseTo(7, 1);
  });
});
