/*
 * Every error Sluice answers with, registered once: a stable code, its HTTP status and one line of docs
 * (listed in the README). Code throws the typed classes below; `src/http/edge/errors.ts` maps them to
 * responses in one place, and each vendor surface only re-shapes the body (and, where its vendor
 * differs, the status).
 */

/** The registry: code → status and what it means. */
export const ERROR_CODES = {
  invalid_request: { status: 400, doc: 'The request is malformed or contradicts itself; the message names the field.' },
  unauthorized: { status: 401, doc: 'No valid credentials: missing, invalid, expired or revoked API key or session.' },
  forbidden: { status: 403, doc: 'Authenticated, but this caller may not do this (role, or a browser origin where servers only are allowed).' },
  missing_scope: { status: 403, doc: 'The API key lacks a scope this route needs (export, ingest or admin).' },
  not_found: { status: 404, doc: 'No such object, or it belongs to another organization (the two look the same on purpose).' },
  no_data: { status: 404, doc: 'The export would have no rows, and this surface answers that with 404 (Langdock).' },
  file_gone: { status: 404, doc: 'The export file expired or was deleted, and this surface answers that with 404 (Gumloop).' },
  conflict: { status: 409, doc: 'Conflicts with the current state, e.g. downloading an export that has not completed.' },
  gone: { status: 410, doc: 'Existed, but is gone for good: the export expired and its file was deleted.' },
  payload_too_large: { status: 413, doc: 'The request body is over the configured limit.' },
  unsupported_media_type: { status: 415, doc: 'The request body has a content type this route does not read.' },
  unprocessable: { status: 422, doc: 'Well-formed, but names something that cannot be done (unknown dataset, field or filter; bad range).' },
  destination_refused: { status: 422, doc: 'A drain or schedule destination refused the preflight delivery; the body has its status and the first 500 bytes of its answer.' },
  row_limit: { status: 422, doc: 'The export has more rows than the limit allows; narrow the date range or filters.' },
  rate_limited: { status: 429, doc: 'Over a rate limit; Retry-After says when to try again.' },
  internal: { status: 500, doc: 'An unexpected error; the message reveals nothing and the server log has the detail.' },
  export_failed: { status: 500, doc: 'A synchronous export ended without a file; the message says why.' },
  unavailable: { status: 503, doc: 'A dependency (the database) is unreachable; Retry-After says when to try again.' },
} as const satisfies Record<string, { status: number; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One base error with a registered code and a message that is safe to show callers. */
export class AppError extends Error {
  /** HTTP status this error answers with (from the registry). */
  readonly status: number;
  constructor(
    /** Stable machine-readable code from ERROR_CODES. */
    readonly code: ErrorCode,
    message: string,
    /** Extra structured detail (e.g. the list of bad rows) included in the response body. */
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.status = ERROR_CODES[code].status;
  }
}

/** 400: the request is malformed or contradicts itself. */
export class Invalid extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_request', message, details);
  }
}

/** 422: the request is well-formed but names something that cannot be done. */
export class Unprocessable extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('unprocessable', message, details);
  }
}

/** 401: no valid credentials. */
export class Unauthorized extends AppError {
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message);
  }
}

/** 403: authenticated, but not allowed. */
export class Forbidden extends AppError {
  constructor(message = 'Not allowed') {
    super('forbidden', message);
  }
}

/** 403: the credential lacks a scope the route needs. */
export class MissingScope extends AppError {
  constructor(readonly scope: string) {
    super('missing_scope', `This credential lacks the '${scope}' scope`, { missing_scope: scope });
  }
}

/** 404: does not exist, or belongs to another organization (the two are indistinguishable on purpose). */
export class NotFound extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

/** 404 on surfaces whose vendor answers "no data" for an empty period (a plan option). */
export class NoData extends AppError {
  constructor() {
    super('no_data', 'No usage data found for the selected period');
  }
}

/** 404 on surfaces whose vendor answers a missing file that way (Gumloop). */
export class FileGone extends AppError {
  constructor() {
    super('file_gone', 'The export file no longer exists (it expired or was deleted); request a new export');
  }
}

/** 409: conflicts with the current state. */
export class Conflict extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

/** 410: existed, but is gone for good (expired). */
export class Gone extends AppError {
  constructor(message: string) {
    super('gone', message);
  }
}

/** 413: the request body is over the configured limit. */
export class TooLarge extends AppError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

/** 422: more rows than the plan's limit (the message says which limit and what to do). */
export class RowLimitExceeded extends AppError {
  constructor(
    readonly rows: number | null,
    readonly limit: number,
  ) {
    super(
      'row_limit',
      rows === null
        ? `The export passed the limit of ${limit} rows; narrow the date range or filters`
        : `This export would have ${rows} rows, over the limit of ${limit} per export; narrow the date range or filters`,
      { ...(rows === null ? {} : { estimated_rows: rows }), row_limit: limit },
    );
  }
}

/** 422: a destination refused the preflight delivery (its status and the start of its answer are included). */
export class DestinationRefused extends AppError {
  constructor(message: string, details: { destination_status: number | null; destination_response: string | null }) {
    super('destination_refused', message, details);
  }
}

/** 429: over a rate limit; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many requests; retry after ${retryAfterSeconds}s`);
  }
}

/** 500 on synchronous surfaces: the export ran but ended without a file. */
export class ExportFailed extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('export_failed', message, undefined, options);
  }
}

/** 503: a dependency is unreachable; `retryAfterSeconds` becomes the Retry-After header. */
export class Unavailable extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super('unavailable', message);
  }
}

/** Wraps anything thrown into an Error, keeping the original as `cause`. */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err), { cause: err });
}
