import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findLogLeaks } from './helpers/log-leaks.js';

/**
 * Vitest global setup: one fresh directory for this run's server logs (every test process writes
 * `<pid>.log` there, see helpers/test-log.ts), and, after every test file has run, a grep of all of them
 * for credentials. A leak fails `vitest run`; SLUICE_TEST_KEEP_LOGS=1 keeps the directory to read.
 */
export default function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-test-logs-'));
  process.env.SLUICE_TEST_LOG_DIR = dir;
  return function teardown() {
    const { files, lines, leaks } = findLogLeaks(dir);
    const keep = process.env.SLUICE_TEST_KEEP_LOGS === '1' || leaks.length > 0;
    if (!keep) rmSync(dir, { recursive: true, force: true });
    if (leaks.length > 0) {
      const shown = leaks.slice(0, 20).map((l) => `  ${l.what} in ${l.file}:${l.line}: …${l.excerpt}…`);
      // Vitest reports a teardown's throw ("error during close") but exits 0: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(`Server logs carry credentials (${leaks.length} found in ${files} files, ${lines} lines; kept in ${dir}):\n${shown.join('\n')}`);
    }
    console.info(`[logs] ${lines} server log lines from ${files} test processes grepped: no download tokens, API keys, session cookies or passwords${keep ? ` (kept in ${dir})` : ''}`);
  };
}
