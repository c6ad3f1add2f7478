/**
 * One base error with an HTTP status and a message that is safe to show callers.
 * Mapped to responses once, in `src/http/error-handler.ts`.
 */
export class AppError extends Error {
  constructor(
    /** HTTP status this error answers with. */
    readonly status: number,
    /** Stable machine-readable code, e.g. `not_found`. */
    readonly code: string,
    message: string,
    /** Extra structured detail (e.g. the list of bad rows) included in the response body. */
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or contradicts itself. */
export class Invalid extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, 'invalid_request', message, details);
  }
}

/** 422: the request is well-formed but names something that cannot be done. */
export class Unprocessable extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(422, 'unprocessable', message, details);
  }
}

/** 401: no valid credentials. */
export class Unauthorized extends AppError {
  constructor(message = 'Missing or invalid credentials') {
    super(401, 'unauthorized', message);
  }
}

/** 403: authenticated, but not allowed. */
export class Forbidden extends AppError {
  constructor(message = 'Not allowed') {
    super(403, 'forbidden', message);
  }
}

/** 404: does not exist, or belongs to another organization (the two are indistinguishable on purpose). */
export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

/** 409: conflicts with the current state. */
export class Conflict extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** 410: existed, but is gone for good (expired). */
export class Gone extends AppError {
  constructor(message: string) {
    super(410, 'gone', message);
  }
}

/** 413: the request body is over the configured limit. */
export class TooLarge extends AppError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

/** 429: over a rate limit; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'rate_limited', `Too many requests; retry after ${retryAfterSeconds}s`);
  }
}

/** Wraps anything thrown into an Error, keeping the original as `cause`. */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err), { cause: err });
}
