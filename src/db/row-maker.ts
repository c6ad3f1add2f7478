/**
 * Builds rows as objects in JS from raw arrays, with one object literal per query: better-sqlite3
 * creating each row object natively costs about half again the whole read, and pg builds its objects a
 * field at a time. Column names are the query's own aliases, embedded as JSON strings.
 */
export function rowMaker(columns: string[]): (values: unknown[]) => Record<string, unknown> {
  const body = `return {${columns.map((c, i) => `${JSON.stringify(c)}: v[${i}]`).join(', ')}};`;
  return new Function('v', body) as (values: unknown[]) => Record<string, unknown>;
}
