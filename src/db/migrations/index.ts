import type { Migration } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_exports.js';
import * as m003 from './003_outbox.js';

/** Every migration, in order. The same list runs on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_exports': m002,
  '003_outbox': m003,
};
