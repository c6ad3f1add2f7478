import type { ClientConfig } from '../config/client-config.js';

/** A minimal client of the native API for CLI commands; errors carry the server's message. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** GET that follows redirects and returns the raw response (downloads). */
  raw(path: string): Promise<Response>;
}

/**
 * @example const client = createApiClient(loadClientConfig(process.env)); await client.request('GET', '/v1/me');
 */
export function createApiClient(config: ClientConfig): ApiClient {
  const { apiUrl } = config;
  const headers = { authorization: `Bearer ${config.apiKey}` };
  const send = (path: string, init: RequestInit) =>
    fetch(apiUrl + path, init).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      throw new Error(`cannot reach Sluice at ${apiUrl} (${why}); check --url / SLUICE_API_URL and that the server is running`);
    });
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json: { message?: string } | undefined;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        throw new Error(`${res.status}: ${apiUrl} answered something that is not Sluice's JSON API: ${text.slice(0, 200)}`);
      }
      if (!res.ok) throw new Error(`${res.status}: ${json?.message ?? text}`);
      return json as T;
    },
    async raw(path: string): Promise<Response> {
      const res = await send(path, { headers, redirect: 'follow' });
      if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).slice(0, 500)}`);
      return res;
    },
  };
}
