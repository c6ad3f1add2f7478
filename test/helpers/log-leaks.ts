import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * What must never be in a log line, whatever the test that caused it: credentials by their shape (a
 * download token, an API key, a session cookie, a presigned S3 signature, an unredacted password field)
 * and the passwords the suite itself uses (test/helpers/app.ts seedOrg and the login tests).
 */
const CREDENTIALS: readonly { what: string; re: RegExp }[] = [
  { what: 'signed download token', re: /eyJrIjoi[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}/ },
  { what: 'download token in a /v1/files/ path', re: /\/v1\/files\/(?!\[redacted\])[^\s"?#/]/ },
  { what: 'API key', re: /sk_(?!\[redacted\])[A-Za-z0-9_-]{20,}/ },
  { what: 'session cookie', re: /sluice_session=(?!\[redacted\])[A-Za-z0-9_-]{8,}/ },
  { what: 'presigned S3 signature', re: /X-Amz-Signature=(?!\[redacted\])[0-9a-f]{16,}/i },
  { what: 'password field', re: /"password"\s*:\s*"(?!\[redacted\]")/ },
  { what: 'test password', re: /pw-(?:admin|member)-[a-z0-9_-]+-secret|a-wrong-password-guess|long-enough-password|not-the-password|wrong-password/ },
];

/** One credential found in a log file. */
export interface LogLeak {
  readonly file: string;
  readonly line: number;
  readonly what: string;
  /** The line, cut short around the match. */
  readonly excerpt: string;
}

/**
 * Greps every `*.log` file of `dir` for credentials.
 * @example const leaks = findLogLeaks(dir); if (leaks.length) throw new Error(…);
 */
export function findLogLeaks(dir: string): { files: number; lines: number; leaks: LogLeak[] } {
  let files = 0;
  let lines = 0;
  const leaks: LogLeak[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    files++;
    const text = readFileSync(join(dir, name), 'utf8').split('\n');
    text.forEach((line, i) => {
      if (!line) return;
      lines++;
      for (const { what, re } of CREDENTIALS) {
        const m = re.exec(line);
        if (m) leaks.push({ file: name, line: i + 1, what, excerpt: line.slice(Math.max(0, m.index - 120), m.index + 80) });
      }
    });
  }
  return { files, lines, leaks };
}
