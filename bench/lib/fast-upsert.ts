/*
 * Prototypes of faster upserts, measured next to the current `upsertRows` so the lead can decide
 * (src/ingest is not ours to change). Both write exactly what `upsertRows` writes: all columns, upsert
 * on (org_id, id), one transaction per batch.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/**
 * SQLite: one prepared single-row INSERT … ON CONFLICT, run per row inside one transaction.
 * better-sqlite3 statements are compiled once; there is no SQL building per batch at all.
 */
export function sqlitePreparedUpsert(db: BetterSqlite3.Database, table: string, orgId: string, rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const sql =
    `INSERT INTO "${table}" ("org_id", ${cols.map((c) => `"${c}"`).join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')}) ` +
    `ON CONFLICT ("org_id", "id") DO UPDATE SET ${cols.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
  // Cached per connection+SQL: better-sqlite3 returns a new Statement each prepare, so keep one.
  const stmt = cache.get(sql) ?? cache.set(sql, db.prepare(sql)).get(sql)!;
  const write = db.transaction((batch: readonly Record<string, unknown>[]) => {
    const values = new Array(cols.length + 1);
    values[0] = orgId;
    for (const r of batch) {
      for (let c = 0; c < cols.length; c++) values[c + 1] = r[cols[c]];
      stmt.run(values);
    }
  });
  write(rows);
}
const cache = new Map<string, BetterSqlite3.Statement>();

/**
 * PostgreSQL: one statement per batch whatever its size, one array parameter per column:
 * `INSERT … SELECT * FROM unnest($1::text[], $2::bigint[], …) ON CONFLICT … DO UPDATE`.
 * Nine parameters instead of 18,000 means nothing to build or parse per value, and no chunking.
 * `types` maps column → PostgreSQL type (from the migration; or read once from information_schema).
 */
export async function pgUnnestUpsert(
  client: pg.PoolClient | pg.Client,
  table: string,
  orgId: string,
  rows: readonly Record<string, unknown>[],
  types: Record<string, string>,
): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const arrays = cols.map((c) => rows.map((r) => r[c] ?? null));
  const sql =
    `INSERT INTO "${table}" ("org_id", ${cols.map((c) => `"${c}"`).join(', ')}) ` +
    `SELECT $1, * FROM unnest(${cols.map((c, i) => `$${i + 2}::${types[c]}[]`).join(', ')}) ` +
    `ON CONFLICT ("org_id", "id") DO UPDATE SET ${cols.filter((c) => c !== 'id').map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
  await client.query('BEGIN');
  try {
    await client.query(sql, [orgId, ...arrays]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
