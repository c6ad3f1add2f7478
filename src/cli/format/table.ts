/** One column of a text table: its header, how a row shows in it, and which side it lines up on. */
export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  /** Numbers line up on the right; everything else on the left (the default). */
  readonly align?: 'left' | 'right';
}

/**
 * Rows as an aligned plain-text table (header first, two spaces between columns, no trailing spaces).
 * @example renderTable([{ header: 'id', value: (r) => r.id }], [{ id: 'exp_1' }]) // 'id\nexp_1'
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells
    .map((line) =>
      line
        .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
