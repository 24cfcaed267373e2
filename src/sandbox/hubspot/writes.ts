import type { FakeHubSpot, Reply } from './server.ts';

/** HubSpot's default `hs_lead_status` options (Properties API, a new portal). */
export const DEFAULT_LEAD_STATUSES = [
  'NEW',
  'OPEN',
  'IN_PROGRESS',
  'OPEN_DEAL',
  'UNQUALIFIED',
  'ATTEMPTED_TO_CONTACT',
  'CONNECTED',
  'BAD_TIMING',
];

interface Input {
  id: string;
  objectWriteTraceId?: string;
  properties: Record<string, string>;
}

/**
 * Contacts batch upsert and the properties API on the fake: `options` are the portal's
 * `hs_lead_status` values. Like HubSpot's v3 batch endpoints, one invalid input refuses the whole
 * batch with a 400 VALIDATION_ERROR that names the first bad property and its value.
 */
export function serveContactWrites(fake: FakeHubSpot, options: string[]): void {
  let next = 500_000;
  fake.routes.push(({ method, path, body }): Reply | null => {
    if (method === 'GET' && path.startsWith('/crm/v3/properties/contacts/')) {
      const name = path.split('/').at(-1)!;
      const values = name === 'hs_lead_status' ? options : ['lead', 'opportunity', 'customer'];
      return {
        status: 200,
        body: {
          name,
          type: 'enumeration',
          options: values.map((v, i) => ({ label: v, value: v, displayOrder: i, hidden: false })),
        },
      };
    }
    if (method === 'GET' && path === '/crm/v3/objects/contacts')
      return { status: 200, body: { results: [] } };
    if (method !== 'POST' || path !== '/crm/v3/objects/contacts/batch/upsert') return null;
    const inputs = (body as { inputs: Input[] }).inputs;
    const bad = inputs.find((i) => !options.includes(i.properties.hs_lead_status ?? 'NEW'));
    if (bad) {
      const v = bad.properties.hs_lead_status!;
      const problem = {
        isValid: false,
        message: `"${v}" was not one of the allowed options: [${options.join(', ')}]`,
        error: 'INVALID_OPTION',
        name: 'hs_lead_status',
      };
      return {
        status: 400,
        body: {
          status: 'error',
          message: `Property values were not valid: ${JSON.stringify([problem])}`,
          correlationId: 'fake',
          category: 'VALIDATION_ERROR',
        },
      };
    }
    const results = inputs.map((i) => ({
      id: String(next++),
      objectWriteTraceId: i.objectWriteTraceId,
      properties: { email: i.id, ...i.properties },
      new: true,
    }));
    return { status: 200, body: { status: 'COMPLETE', results } };
  });
}
