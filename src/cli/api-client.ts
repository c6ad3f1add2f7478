import type { ClientConfig } from '../config/client-config.js';

/** What a conditional GET found: a new answer with its ETag, or (304) that the one held is unchanged. */
export type Revalidated<T> = { changed: true; data: T; etag: string | null } | { changed: false };

/** A minimal client of the native API for CLI commands; errors carry the server's message. */
export interface ApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /**
   * GET sending `If-None-Match: <etag>` when one is held: a 304 answers `{ changed: false }` (no body was
   * sent), anything else is read as `request` reads it. For polling one resource without re-reading it.
   */
  revalidate<T>(path: string, etag: string | null): Promise<Revalidated<T>>;
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
  /** The JSON of a 2xx answer, else an error with the server's message. */
  async function readJson<T>(res: Response): Promise<T> {
    const text = await res.text();
    let json: { message?: string } | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new Error(`${res.status}: ${apiUrl} answered something that is not Sluice's JSON API: ${text.slice(0, 200)}`);
    }
    if (!res.ok) throw new Error(`${res.status}: ${json?.message ?? text}`);
    return json as T;
  }
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return readJson<T>(res);
    },
    async revalidate<T>(path: string, etag: string | null): Promise<Revalidated<T>> {
      const res = await send(path, { headers: etag ? { ...headers, 'if-none-match': etag } : headers });
      if (res.status === 304 && etag) return { changed: false };
      return { changed: true, data: await readJson<T>(res), etag: res.headers.get('etag') };
    },
    async raw(path: string): Promise<Response> {
      const res = await send(path, { headers, redirect: 'follow' });
      if (!res.ok) throw new Error(`${res.status}: ${(await res.text()).slice(0, 500)}`);
      return res;
    },
  };
}
