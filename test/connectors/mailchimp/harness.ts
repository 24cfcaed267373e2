import { join } from 'node:path';

import httpJson from '../../../connectors/http-json/index.ts';
import mailchimpConnector from '../../../connectors/mailchimp/index.ts';
import { AppError } from '../../../src/errors/app-error.ts';
import type { ConnectorDef } from '../../../src/sdk/connector.ts';
import { ConnectorRegistry } from '../../../src/sdk/registry.ts';
import { DEFAULT_MAPPINGS_DIR, DirectoryMappingSource } from '../../../src/sync/mapping-source.ts';
import type { MappingSource } from '../../../src/sync/services.ts';
import type { SyncMapping } from '../../../src/sync/sync-mapping.ts';
import { openEngineHarness, type EngineHarness } from '../../support/engine.ts';

/** The mappings of these tests: a CRM mapping of their own, then the shipped ones. */
const TEST_MAPPINGS = join(import.meta.dirname, 'fixtures/mappings');

/** Looks a mapping up in each source in turn. */
class FirstOf implements MappingSource {
  constructor(private readonly sources: MappingSource[]) {}

  async get(name: string): Promise<SyncMapping> {
    for (const [i, source] of this.sources.entries()) {
      try {
        return await source.get(name);
      } catch (err) {
        const last = i === this.sources.length - 1;
        if (last || !(err instanceof AppError && err.code === 'unknown_mapping')) throw err;
      }
    }
    throw new Error('no mapping sources');
  }
}

/** A hub with the engine on the http-json and Mailchimp connectors, and a fresh tenant. */
export type MailchimpHarness = EngineHarness;

/** Opens an isolated hub (own Redis prefix and queue) for the Mailchimp engine tests. */
export function openMailchimpHarness(): Promise<MailchimpHarness> {
  return openEngineHarness(
    {},
    {
      registry: new ConnectorRegistry([
        httpJson as unknown as ConnectorDef,
        mailchimpConnector as unknown as ConnectorDef,
      ]),
      mappings: new FirstOf([
        new DirectoryMappingSource(TEST_MAPPINGS),
        new DirectoryMappingSource(DEFAULT_MAPPINGS_DIR),
      ]),
    },
  );
}
