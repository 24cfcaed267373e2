import type { ConnectorDef } from '../src/sdk/connector.ts';
import httpJson from './http-json/index.ts';

/** Every connector DealerLoop ships, registered at start. */
export const connectors: ConnectorDef[] = [httpJson as unknown as ConnectorDef];
