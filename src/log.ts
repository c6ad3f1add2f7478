import pino, { type Logger } from 'pino';

/** Paths pino must never print: keys, passwords, cookies. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-auth-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  'password',
];

/** The process logger: JSON lines on stdout (stderr for CLI commands whose stdout is data). */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, pino.destination({ fd: destination, sync: false }));
}
