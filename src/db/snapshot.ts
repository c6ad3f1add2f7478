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

/**
 * Sums a line stream keeps itself, over extra numeric columns its query carries after the line: in the
 * stream's own snapshot because they come from its own rows, and without an aggregate before the first
 * line (one more scan of the rows; on SQLite it also held the event loop for the whole of it).
 */
export interface InlineSums {
  /** How many columns after the line are summed. */
  readonly columns: number;
  /** Called once with each column's sum (0 when there are no rows), after the last row and before the stream ends. */
  read(sums: readonly number[]): void;
}

/**
 * A running sum as SQLite's sum() keeps it for REAL values (Kahan–Babuška–Neumaier, SQLite ≥ 3.43), so a
 * sum taken while streaming equals the aggregate over the same rows in the same order.
 */
export class NeumaierSum {
  private sum = 0;
  private err = 0;
  add(value: unknown): void {
    if (value === null || value === undefined) return;
    const r = Number(value);
    const s = this.sum;
    const t = s + r;
    this.err += Math.abs(s) > Math.abs(r) ? s - t + r : r - t + s;
    this.sum = t;
  }
  get value(): number {
    return Number.isFinite(this.err) ? this.sum + this.err : this.sum;
  }
}
