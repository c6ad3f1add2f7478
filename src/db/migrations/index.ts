import type { Migration } from 'kysely';
import * as m001 from './001_core.js';

/** Every migration, in order. The same list runs on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
};
