/** An error answer of the hub's API, with the request it answered. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** The hub's HTTP API as the demo uses it: one tenant, one admin key. */
export class DemoApi {
  constructor(
    readonly baseUrl: string,
    readonly tenantId: string,
    private readonly token: string,
  ) {}

  /** Calls `/v1/tenants/<tenant><path>` and returns the parsed JSON (null for 204). */
  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/v1/tenants/${this.tenantId}${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new ApiCallError(res.status, text, `${method} ${path}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** POSTs a raw webhook body to `/hooks/<tenant>/<connection>`. */
  async hook(connectionId: string, body: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(`${this.baseUrl}/hooks/${this.tenantId}/${connectionId}`, {
      method: 'POST',
      headers,
      body,
    });
    if (!res.ok) throw new ApiCallError(res.status, await res.text(), `webhook to ${connectionId}`);
  }
}
