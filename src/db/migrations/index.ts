import type { Migration } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_exports.js';
import * as m003 from './003_outbox.js';
import * as m004 from './004_bigint.js';
import * as m005 from './005_contract_fields.js';
import * as m006 from './006_change_sequence.js';
import * as m007 from './007_drains_schedules.js';
import * as m008 from './008_user_preferences.js';
import * as m009 from './009_export_sums.js';
import * as m010 from './010_sequence_orphans.js';

/** Every migration, in order. The same list runs on SQLite and PostgreSQL. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_exports': m002,
  '003_outbox': m003,
  '004_bigint': m004,
  '005_contract_fields': m005,
  '006_change_sequence': m006,
  '007_drains_schedules': m007,
  '008_user_preferences': m008,
  '009_export_sums': m009,
  '010_sequence_orphans': m010,
};
