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

/** The process logger: JSON lines on stdout (or a file descriptor / stream of the caller's choice). */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1): Logger {
  const dest = typeof destination === 'number' ? pino.destination({ fd: destination, sync: false }) : destination;
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, dest);
}
