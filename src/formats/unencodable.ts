import type { FieldDef } from '../datasets/types.js';
import { Unprocessable } from '../errors.js';

/**
 * Fails an export whose value cannot be written in a typed format (text in a number column, say):
 * a typed file never silently turns a value into null. The message names the field and the row.
 * @example unencodable('Parquet', field, 'abc', 41) // throws: Parquet cannot store 'abc' in number field credit_cost (row 42)
 */
export function unencodable(format: string, field: FieldDef, value: unknown, row: number): never {
  const shown = typeof value === 'string' ? `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'` : String(value);
  throw new Unprocessable(`${format} cannot store ${shown} in ${field.type} field ${field.name} (row ${row + 1}); export as CSV or JSON instead`, {
    field: field.name,
  });
}
