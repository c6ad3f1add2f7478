import { afterAll } from 'vitest';
import { flushTestLog } from './helpers/test-log.js';

// Each test file's server log lines reach the disk before its process may be torn down.
afterAll(flushTestLog);
