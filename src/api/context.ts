import type { Hub } from '../hub.ts';
import type { SyncService } from '../sync/sync-service.ts';
import type { ApiKeyRecord } from '../store/api-keys.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Id of this request, echoed in `x-request-id` and every log line of it. */
    requestId: string;
    /** The API key that authenticated the request (under /v1). */
    auth: ApiKeyRecord;
    /** The hub's stores. */
    hub: Hub;
    /** The sync engine's operations. */
    sync: SyncService;
  }
}

export {};
