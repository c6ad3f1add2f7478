/** An API answer that was not 2xx: `message` is the server's, safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls the native API on the same origin with the session cookie. JSON in, JSON out; 204 → undefined.
 * @example const me = await api<Me>('/v1/me');
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const hasBody = init.body !== undefined;
  const res = await send(path, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: hasBody ? { 'content-type': 'application/json', accept: 'application/json' } : { accept: 'application/json' },
    body: hasBody ? JSON.stringify(init.body) : undefined,
    signal: init.signal,
  });
  return readAnswer<T>(res);
}

/** `fetch` on the same origin with the session cookie; a network failure becomes an ApiError that says so. */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: 'same-origin' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.', null);
  }
}

/** The JSON of a 2xx answer (204 → undefined), else the ApiError with the server's message. */
async function readAnswer<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const body = (data ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, body.error ?? 'http_error', body.message ?? `The request failed (HTTP ${res.status}).`, data);
  }
  return data as T;
}

/** Answers held per URL with their ETag, so a poll that finds nothing changed gets a bodiless 304. */
const held = new Map<string, { etag: string; data: unknown }>();
const HELD_MAX = 50;

/**
 * A GET polled for changes: sends the ETag of the answer held for this URL (If-None-Match) and, on 304,
 * returns that same answer object (so nothing re-renders). The browser's own cache is bypassed
 * (`no-store`) so the revalidation stays visible and under our control.
 * @example const page = await conditionalGet<ExportList>('/v1/exports?limit=50', { signal });
 */
export async function conditionalGet<T>(path: string, init: { signal?: AbortSignal } = {}): Promise<T> {
  const mine = held.get(path);
  const res = await send(path, {
    cache: 'no-store',
    headers: mine ? { accept: 'application/json', 'if-none-match': mine.etag } : { accept: 'application/json' },
    signal: init.signal,
  });
  if (res.status === 304 && mine) return mine.data as T;
  const data = await readAnswer<T>(res);
  const etag = res.headers.get('etag');
  held.delete(path);
  if (etag) {
    held.set(path, { etag, data });
    // Oldest first: drop what was polled longest ago (pages closed, filters changed).
    if (held.size > HELD_MAX) held.delete(held.keys().next().value!);
  }
  return data;
}

/** The message to show for any thrown value. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : 'Something went wrong.');
