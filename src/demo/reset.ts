import { existsSync, rmSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { openStore, type Store } from '../db/database.js';
import { llmLogsCache } from '../datasets/llm-logs-cache.js';
import { demoFilePath } from './demo-file.js';
import { DEMO_ORGS } from './orgs.js';

const DEMO_ORG_IDS = DEMO_ORGS.map((o) => o.id);

/** Where the demo stands in a store + data dir. */
export type DemoState = 'fresh' | 'seeded' | 'incomplete';

/**
 * `seeded` when the demo orgs exist and demo.json lists them; `incomplete` when the orgs exist without
 * demo.json (a seed was interrupted, so logins are unknown); `fresh` when there are no demo orgs.
 */
export async function demoState(store: Store, hasDemoFile: boolean): Promise<DemoState> {
  const found = await store.db.selectFrom('orgs').select('id').where('id', 'in', DEMO_ORG_IDS).execute();
  if (found.length === 0) return 'fresh';
  return hasDemoFile && found.length === DEMO_ORG_IDS.length ? 'seeded' : 'incomplete';
}

/**
 * Removes the demo orgs and everything in them, and demo.json; returns a store to continue with.
 * A SQLite file holding nothing but the demo is deleted outright (deleting millions of rows is slow);
 * otherwise only rows of the demo orgs go, from every table that has an `org_id` column.
 */
export async function resetDemo(store: Store, config: Config): Promise<Store> {
  rmSync(demoFilePath(config.dataDir), { force: true });
  const orgs = await store.db.selectFrom('orgs').select('id').execute();
  if (config.database.dialect === 'sqlite' && orgs.every((o) => DEMO_ORG_IDS.includes(o.id))) {
    const path = config.database.path;
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
    return openStore(config.database);
  }
  llmLogsCache(store.db).forget(null);
  const tables = await store.db.introspection.getTables();
  await store.db.transaction().execute(async (trx) => {
    for (const t of tables) {
      if (t.name !== 'orgs' && t.columns.some((c) => c.name === 'org_id')) {
        await trx.deleteFrom(t.name as never).where('org_id' as never, 'in', DEMO_ORG_IDS as never).execute();
      }
    }
    await trx.deleteFrom('orgs').where('id', 'in', DEMO_ORG_IDS).execute();
  });
  return store;
}
