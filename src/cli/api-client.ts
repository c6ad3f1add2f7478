/** A minimal client of the native API for CLI commands; errors carry the server's message. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** GET that follows redirects and returns the raw response (downloads). */
  raw(path: string): Promise<Response>;
}

export function createApiClient(baseUrl: string, apiKey: string | undefined): ApiClient {
  if (!apiKey) throw new Error('no API key: pass --api-key or set SLUICE_API_KEY (create one with `sluice keys create`)');
  const headers = { authorization: `Bearer ${apiKey}` };
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(baseUrl + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch((err: Error) => {
        throw new Error(`cannot reach Sluice at ${baseUrl}: ${err.message}`);
      });
      const text = await res.text();
      const json = text ? JSON.parse(text) : undefined;
      if (!res.ok) throw new Error(`${res.status}: ${json?.message ?? text}`);
      return json as T;
    },
    async raw(path: string): Promise<Response> {
      const res = await fetch(baseUrl + path, { headers, redirect: 'follow' });
      if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).slice(0, 500)}`);
      return res;
    },
  };
}
