import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../../src/log.js';

/*
 * The suite's servers log through the real logger (createLogger: its redaction and request serializer)
 * at info, which includes every "incoming request" line, into one file per test process. The global
 * setup (test/global-setup.ts) names the directory and, after every test file has run, greps all of it
 * for credentials (test/helpers/log-leaks.ts).
 */

/** Where this run's server logs go: set by the global setup; a shared fallback outside `vitest run`. */
export const testLogDir = (): string => process.env.SLUICE_TEST_LOG_DIR ?? join(tmpdir(), 'sluice-test-logs');

let shared: { logger: Logger; file: WriteStream } | undefined;

/**
 * The logger of every server a test starts in this process: `<dir>/<pid>.log`, written asynchronously
 * (the suite must not wait on the disk). SLUICE_TEST_LOG sets another level.
 * @example const t = await createTestApp('sqlite'); // logs through testLogger()
 */
export function testLogger(): Logger {
  if (!shared) {
    mkdirSync(testLogDir(), { recursive: true });
    // An async, buffered file stream: a line costs the test a memory copy, never a disk wait.
    const file = createWriteStream(join(testLogDir(), `${process.pid}.log`), { flags: 'a' });
    shared = { logger: createLogger(process.env.SLUICE_TEST_LOG ?? 'info', file), file };
  }
  return shared.logger;
}

/** Writes out what the logger still buffers (after each test file, before the leak check reads the files). */
export function flushTestLog(): Promise<void> {
  const file = shared?.file;
  if (!file) return Promise.resolve();
  // Writes complete in order: the callback of this (empty) one means every earlier line is on disk.
  return new Promise((resolve) => file.write('', () => resolve()));
}
