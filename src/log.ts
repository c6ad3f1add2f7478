import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths pino must never print: keys, passwords, cookies (request and response headers, bodies). */
export const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-auth-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  'password',
];

const CENSOR = '[redacted]';
/** Path prefixes whose next segment is a credential (a signed download token). */
const TOKEN_SEGMENTS = /^(\/v1\/files\/)[^/?#]+/;
/** Query parameters whose values are credentials, by name (presigned URLs, tokens, keys, passwords). */
const SECRET_PARAM = /token|sig|secret|passw|key|session|credential|auth|code/i;
/** Anything shaped like a Sluice API key, wherever it appears in a URL. */
const API_KEY = /sk_[A-Za-z0-9_-]+/g;

/**
 * A request URL with its credentials replaced: the token of `/v1/files/<token>`, the values of secret
 * query parameters, and anything shaped like an API key.
 * @example redactUrl('/v1/files/eyJr.abc?download=1') // '/v1/files/[redacted]?download=1'
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(TOKEN_SEGMENTS, `$1${CENSOR}`).replace(API_KEY, `sk_${CENSOR}`);
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair.replace(API_KEY, `sk_${CENSOR}`);
      return SECRET_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=${CENSOR}` : pair.replace(API_KEY, `sk_${CENSOR}`);
    })
    .join('&');
  return `${path}?${query}`;
}

/** What a request log line says about the request (Fastify's fields, with the URL redacted). */
export function serializeRequest(req: { method?: string; url?: string; ip?: string; host?: string; socket?: { remotePort?: number } }) {
  return { method: req.method, url: redactUrl(req.url ?? ''), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** The process logger: JSON lines on stdout (or a file descriptor / stream of the caller's choice). */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1): Logger {
  const dest = typeof destination === 'number' ? pino.destination({ fd: destination, sync: false }) : destination;
  return pino({ level, redact: { paths: REDACT, censor: CENSOR }, serializers: { req: serializeRequest } }, dest);
}
