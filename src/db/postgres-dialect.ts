import { PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SluiceDialect } from './dialect.js';

// int8 (epoch ms) and float8 arrive as numbers, as they do from SQLite. Epoch ms fit in 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v));

/** PostgreSQL through a pool; streaming uses server-side cursors. */
export function createPostgresDialect(url: string): SluiceDialect {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return {
    name: 'postgres',
    kysely: new PostgresDialect({ pool, cursor: Cursor }),
    supportsSkipLocked: true,
    maxParameters: 65_000,
    async *streamBatches(query, batchSize) {
      const client = await pool.connect();
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
        client.release(broken);
      }
    },
  };
}
