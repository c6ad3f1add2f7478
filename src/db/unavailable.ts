/*
 * "The database is not there" as opposed to "this query is wrong", for both drivers, in one place:
 * the HTTP edge answers these with 503 + Retry-After and the export runner retries the attempt.
 */

/** Error codes of a lost, refused or busy connection (socket errors, PostgreSQL class 08 and 57P0x, SQLite locks). */
const CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300',
  'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED',
]);

/** node-postgres reports a dropped socket or a pool wait timeout by message only, without a code. */
const MESSAGES = [
  /connection terminated/i,
  /not queryable/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:ended|closed|error)/i,
  /terminating connection due to administrator command/i,
];

/**
 * Answers whether `err` (or its cause) means the database is unreachable or too busy right now.
 * @example if (isDatabaseUnavailable(err)) reply.code(503)
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CODES.has(code)) return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  }
  return false;
}

/** One line saying why the database is unavailable, safe for /readyz (no credentials, no query text). */
export function unavailableReason(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message.replace(/postgres(?:ql)?:\/\/\S+/gi, '<url>').slice(0, 200) : 'unknown error';
  return typeof code === 'string' ? `${code}: ${text}` : text;
}
