/**
 * The benchmark's external systems, in their own process so that the hub's process is measured
 * alone: a source holding RECORDS contacts and a sink, both speaking the http-json protocol, and a
 * control port answering `GET /counts` with what the sink holds and `GET /wait?stream=&count=` once
 * a sink stream holds that many records. Prints one JSON line with the URLs.
 */
import { createServer } from 'node:http';

import { sourceContact } from './contacts.ts';
import { FakeSystem } from '../../test/support/fake-system.ts';
import { listenLoopback } from '../../src/sandbox/loopback.ts';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const source = await new FakeSystem().start();
const sink = await new FakeSystem().start();
for (let i = 0; i < RECORDS; i++) source.put('contacts', sourceContact(i));
const held = (stream: string) => sink.records.get(stream)?.size ?? 0;
/** Answers of `GET /wait` not yet given: each waits for its stream to hold `count` records. */
const waiting = new Set<{ stream: string; count: number; answer: () => void }>();
sink.afterApply = (stream) => {
  for (const w of waiting) if (w.stream === stream && held(stream) >= w.count) w.answer();
};
const control = createServer((req, res) => {
  const json = (body: unknown) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const url = new URL(req.url ?? '/', 'http://control');
  if (url.pathname === '/wait') {
    // Long poll: answered once the sink stream holds `count` records, so the benchmark learns the
    // moment the last batch lands without polling (which would cost this process CPU meanwhile).
    const stream = url.searchParams.get('stream') ?? '';
    const w = { stream, count: Number(url.searchParams.get('count')), answer: () => {} };
    w.answer = () => {
      waiting.delete(w);
      json({ [stream]: held(stream) });
    };
    if (held(stream) >= w.count) return w.answer();
    waiting.add(w);
    return;
  }
  json(Object.fromEntries([...sink.records].map(([stream, m]) => [stream, m.size])));
});
const controlUrl = await listenLoopback(control);
process.stdout.write(
  JSON.stringify({ source: source.url, sink: sink.url, control: controlUrl }) + '\n',
);
