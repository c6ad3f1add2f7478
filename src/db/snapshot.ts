/**
 * Sums a stream keeps itself, over extra numeric columns its query carries last (after the line, or after
 * a row's fields): in the stream's own snapshot because they come from its own rows, and without an
 * aggregate before the first row (one more scan of the rows; on SQLite it also held the event loop for
 * the whole of it).
 */
export interface InlineSums {
  /** How many columns at the end of each row are summed. */
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

/** The running sums of a stream's last `sums.columns` columns, reported once by `finish()`. */
export class TrailingSums {
  private readonly totals: NeumaierSum[];
  constructor(
    private readonly sums: InlineSums,
    /** Index of the first summed column. */
    private readonly first: number,
  ) {
    this.totals = Array.from({ length: sums.columns }, () => new NeumaierSum());
  }
  add(row: readonly unknown[]): void {
    for (let i = 0; i < this.totals.length; i++) this.totals[i].add(row[this.first + i]);
  }
  finish(): void {
    this.sums.read(this.totals.map((t) => t.value));
  }
}
