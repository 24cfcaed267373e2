import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger } from '../../src/log/logger.ts';

describe('logger redaction', () => {
  it('hides credentials and personal data at any of the usual depths', () => {
    let text = '';
    const sink = new Writable({
      write(chunk, _e, cb) {
        text += chunk.toString();
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        email: 'jane@example.com',
        credentials: { accessToken: 'tok-123' },
        lead: { phone: '+15551234567', firstName: 'Jane', lastName: 'Doe', source: 'meta' },
        req: { headers: { authorization: 'Bearer dlk_abc' } },
      },
      'lead received',
    );
    for (const s of ['jane@example.com', 'tok-123', '+15551234567', 'Jane', 'Doe', 'dlk_abc'])
      expect(text).not.toContain(s);
    expect(text).toContain('"source":"meta"');
    expect(text).toContain('[redacted]');
  });
});
