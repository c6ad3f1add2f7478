import type { Dataset } from '@contract/datasets';

/**
 * Fields in words with the column name after each, in file order: "Run ID (run_id), Credits used (credit_cost)".
 * A field the catalogue does not know (an old export's) shows as its name.
 */
export function fieldNames(dataset: Dataset | undefined, names: readonly string[]): string {
  const byName = new Map(dataset?.fields.map((f) => [f.name, f.label]) ?? []);
  return names.map((n) => (byName.has(n) ? `${byName.get(n)} (${n})` : n)).join(', ');
}
