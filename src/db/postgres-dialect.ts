import { CompiledQuery, PostgresDialect, type Kysely } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SluiceDialect } from './dialect.js';
import { postgresLines } from './postgres-lines.js';
import { rowMaker } from './row-maker.js';
import { TrailingSums } from './snapshot.js';

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

/** How long a cursor close or session reset may take before the connection is thrown away instead. */
const CLOSE_TIMEOUT_MS = 5_000;

/** True when `p` resolves within `ms`; false when it rejects or takes longer (it is then ignored). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The next rows of an array-mode cursor with its columns (the promise form of read() gives the rows
 * only). A cursor already done answers no rows and no result.
 */
function readArrays(cursor: Cursor, n: number): Promise<{ rows: unknown[][]; fields: readonly { name: string }[] }> {
  return new Promise((resolve, reject) =>
    cursor.read(n, (err, rows, result?: { fields: { name: string }[] }) => (err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] }))),
  );
}

/** PostgreSQL through a pool; streaming uses server-side cursors. */
export function createPostgresDialect(url: string): SluiceDialect {
  // A connect that hangs (database host gone) fails after 10 s instead of holding requests forever.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  // pg-pool listens for errors only on idle clients; a checked-out client (a Kysely query, a transaction,
  // an export's cursor) whose backend is terminated emits 'error' with no listener, which kills the
  // process. Every client gets a listener for its whole life: the query in flight rejects on its own,
  // and release(err) or the pool's idle handling throws the dead client away.
  pool.on('connect', (client) => client.on('error', () => {}));
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
      const compared = cols.filter((c) => c !== 'id' && c !== 'seq');
      const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
      const text =
        `INSERT INTO ${q(table)} ("org_id", ${cols.map(q).join(', ')}) ` +
        `SELECT $1, * FROM unnest(${cols.map((c, i) => `$${i + 2}::${types[c] ?? 'text'}[]`).join(', ')}) ` +
        `ON CONFLICT ("org_id", "id") DO UPDATE SET ${cols.filter((c) => c !== 'id').map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}` +
        // Only a changed row is rewritten (and gets a new change sequence): a re-sent row stays as it was.
        (compared.length ? ` WHERE ${compared.map((c) => `${q(table)}.${q(c)} IS DISTINCT FROM excluded.${q(c)}`).join(' OR ')}` : ' WHERE FALSE');
      await trx.executeQuery(CompiledQuery.raw(text, [orgId, ...cols.map((c) => rows.map((r) => r[c] ?? null))]));
    },
    async *streamBatches(query, batchSize, sums) {
      const client = await pool.connect();
      let broken = false;
      let cursor: Cursor | undefined;
      try {
        // Cursors are planned for a fast first row by default (nested loops); an export reads every row,
        // so plan for the total, as COPY does (hash joins): several times faster on large exports.
        await client.query('SET cursor_tuple_fraction = 1.0');
        // One statement: its rows, and the sums over them, come from one snapshot.
        cursor = client.query(new Cursor(query.sql, query.parameters as unknown[], { rowMode: 'array' }));
        let toRow: ((values: unknown[]) => Record<string, unknown>) | undefined;
        let totals: TrailingSums | undefined;
        for (;;) {
          const { rows, fields } = await readArrays(cursor, batchSize);
          if (!toRow && fields.length > 0) {
            const width = fields.length - (sums?.columns ?? 0);
            toRow = rowMaker(fields.slice(0, width).map((f) => f.name));
            totals = sums && new TrailingSums(sums, width);
          }
          if (rows.length === 0) {
            totals?.finish();
            return;
          }
          const batch = new Array<Record<string, unknown>>(rows.length);
          for (let i = 0; i < rows.length; i++) {
            totals?.add(rows[i]);
            batch[i] = toRow!(rows[i]);
          }
          yield batch;
        }
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        // Closing a cursor on a dead connection writes to a closed socket and waits for a
        // readyForQuery that never comes: only a healthy connection is closed politely, and only briefly.
        if (!broken && cursor) broken = !(await settlesWithin(cursor.close(), CLOSE_TIMEOUT_MS));
        if (!broken) broken = !(await settlesWithin(client.query('RESET cursor_tuple_fraction'), CLOSE_TIMEOUT_MS));
        client.release(broken);
      }
    },
  };
}
