/**
 * The benchmark's external systems, in their own process so that the hub's process is measured
 * alone: a source holding RECORDS contacts and a sink, both speaking the http-json protocol, and a
 * control port answering `GET /counts` with what the sink holds. Prints one JSON line with the URLs.
 */
import { createServer } from 'node:http';

import { FakeSystem } from '../../test/support/fake-system.ts';
import { listenLoopback } from '../../test/support/loopback.ts';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const source = await new FakeSystem().start();
const sink = await new FakeSystem().start();
for (let i = 0; i < RECORDS; i++) {
  source.put('contacts', {
    id: `c-${i}`,
    email: `Person.${i}@Example.com`,
    first_name: ` person${i} `,
    last_name: `surname${i % 977}`,
    phone: `(512) ${200 + Math.floor(i / 10_000)}-${String(i % 10_000).padStart(4, '0')}`,
    updated_at: '2026-11-20T10:00:00Z',
  });
}
const control = createServer((_req, res) => {
  const counts = Object.fromEntries([...sink.records].map(([stream, m]) => [stream, m.size]));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
});
const controlUrl = await listenLoopback(control);
process.stdout.write(
  JSON.stringify({ source: source.url, sink: sink.url, control: controlUrl }) + '\n',
);
