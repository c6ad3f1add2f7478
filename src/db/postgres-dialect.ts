import { CompiledQuery, PostgresDialect, type Kysely } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SluiceDialect } from './dialect.js';
import { postgresLines } from './postgres-lines.js';

// int8 (epoch ms) and float8 arrive as numbers, as they do from SQLite. Epoch ms fit in 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

/** Array element types for `unnest`, by information_schema data type. */
const ARRAY_TYPES: Record<string, string> = { text: 'text', bigint: 'int8', integer: 'int4', 'double precision': 'float8', boolean: 'bool' };

/** Column name → array type of a table, read once per table and kept (the schema only changes by migration). */
function columnTypes(): (db: Kysely<any>, table: string) => Promise<Record<string, string>> {
  const cache = new Map<string, Promise<Record<string, string>>>();
  return (db, table) => {
    let types = cache.get(table);
    if (!types) {
      types = db
        .executeQuery<{ column_name: string; data_type: string }>(
          CompiledQuery.raw('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [table]),
        )
        .then((r) => Object.fromEntries(r.rows.map((c) => [c.column_name, ARRAY_TYPES[c.data_type] ?? 'text'])));
      types.catch(() => cache.delete(table));
      cache.set(table, types);
    }
    return types;
  };
}

/** PostgreSQL through a pool; streaming uses server-side cursors. */
export function createPostgresDialect(url: string): SluiceDialect {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const typesOf = columnTypes();
  return {
    name: 'postgres',
    kysely: new PostgresDialect({ pool, cursor: Cursor }),
    supportsSkipLocked: true,
    maxParameters: 65_000,
    lines: postgresLines(pool),
    async bulkUpsert(trx, table, orgId, rows) {
      // One array parameter per column: nothing to build or parse per value, and no parameter limit.
      const types = await typesOf(trx, table);
      const cols = Object.keys(rows[0]);
      const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
      const text =
        `INSERT INTO ${q(table)} ("org_id", ${cols.map(q).join(', ')}) ` +
        `SELECT $1, * FROM unnest(${cols.map((c, i) => `$${i + 2}::${types[c] ?? 'text'}[]`).join(', ')}) ` +
        `ON CONFLICT ("org_id", "id") DO UPDATE SET ${cols.filter((c) => c !== 'id').map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
      await trx.executeQuery(CompiledQuery.raw(text, [orgId, ...cols.map((c) => rows.map((r) => r[c] ?? null))]));
    },
    async *streamBatches(query, batchSize) {
      const client = await pool.connect();
      // Cursors are planned for a fast first row by default (nested loops); an export reads every row,
      // so plan for the total, as COPY does (hash joins): several times faster on large exports.
      await client.query('SET cursor_tuple_fraction = 1.0');
      const cursor = client.query(new Cursor(query.sql, query.parameters as unknown[]));
      let broken = false;
      try {
        for (;;) {
          const rows = await cursor.read(batchSize);
          if (rows.length === 0) return;
          yield rows;
        }
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        await cursor.close().catch(() => {
          broken = true;
        });
        if (!broken) await client.query('RESET cursor_tuple_fraction').catch(() => (broken = true));
        client.release(broken);
      }
    },
  };
}
