import type { CompiledQuery } from 'kysely';

/**
 * A one-row query a stream reads in its own snapshot, before its first row: what it answers describes
 * exactly the rows the stream then yields (a manifest's sums of the same rows), however many writers
 * commit meanwhile. SQLite: one read transaction on the stream's connection (WAL keeps its snapshot
 * until it ends); PostgreSQL: one REPEATABLE READ transaction around both statements.
 * @example store.streamBatches(rows, 500, { query: sums, read: (row) => (totals = row) });
 */
export interface SnapshotAside {
  readonly query: CompiledQuery;
  /** Called once with the query's row (undefined when it has none), before the stream yields anything. */
  read(row: Record<string, unknown> | undefined): void;
}
