import { AliasNode, IdentifierNode, sql, TableNode, type Kysely, type SelectQueryNode } from 'kysely';
import type { Store } from '../db/database.js';
import type { InlineSums } from '../db/snapshot.js';
import type { Expr, LineContext, LineFraming, LineSql, LineStream } from '../db/line-sql.js';
import { csvCellWriter, csvHead, FORMULA_LEAD, FORMULA_STARTS, isUtcZone, jsonValueWriter, neutralized, timestampFormatter } from '../formats/index.js';
import { memoizedPseudonym } from './privacy.js';
import type { ByteEncoding, DatasetQuery, FieldDef, SnapshotSums } from './types.js';

/*
 * The fast path of a record dataset: one SELECT whose single column is the finished output line, so
 * the database formats every cell and JavaScript only moves text (see src/db/line-sql.ts). Offered
 * only where it is provably the row path's output: CSV, JSONL and JSON arrays (JSONL's objects framed
 * as an array), every field a plain column with a type the dialect formats; anything else (per-row
 * JavaScript such as picking keys out of a JSON column) returns null and the export takes the row path.
 */

/** The parts of a record spec the line query is built from (see records.ts). */
export interface LineSpec {
  readonly columns: Readonly<Record<string, string>>;
  readonly json: readonly string[];
  from(db: Kysely<any>, query: DatasetQuery): ReturnType<typeof import('./filters.js').whereIn>;
  readonly orderBy: readonly (readonly [string, 'asc' | 'desc'])[];
  /** True when the fields need per-row JavaScript (then there is no fast path). */
  needsRowWork(fields: readonly FieldDef[], query: DatasetQuery): boolean;
  /** SQL of the row's workspace kind and owner, for fields named after a personal workspace (see personal-space.ts). */
  readonly personalSpace?: { readonly kind: string; readonly owner: string };
}

function lineContext(query: DatasetQuery, encoding: ByteEncoding): LineContext {
  const neutralize = encoding.neutralizeFormulas ?? true;
  return {
    timezone: encoding.timezone,
    utc: isUtcZone(encoding.timezone),
    pseudonymKey: query.pseudonymKey,
    reference: {
      timestamp: timestampFormatter(encoding.timezone),
      pseudonym: memoizedPseudonym(query.pseudonymKey),
      csvNumber: csvCellWriter({ type: 'number' }, encoding.timezone, neutralize),
      jsonlNumber: jsonValueWriter({ type: 'number' }, encoding.timezone),
      neutralized,
    },
    formula: { starts: FORMULA_STARTS, lead: FORMULA_LEAD },
  };
}

/** The cell expression of one field, privacy applied as privacy.ts does; null when it has none. */
function cell(L: LineSql, format: 'csv' | 'jsonl', field: FieldDef, column: string, spec: LineSpec, query: DatasetQuery, neutralize: boolean): Expr | null {
  let value: Expr = sql.raw(column);
  if (!query.userLevelData && field.pii) {
    // A pseudonym is text, so the row path formats it as a string; other types are left to that path.
    if (field.pseudonym && field.type !== 'string') return null;
    value = field.pseudonym ? L.pseudonym(value) : sql.lit(null);
  } else if (!query.userLevelData && field.personalSpace && spec.personalSpace) {
    value = personalSpaceCell(L, field.personalSpace, value, spec.personalSpace);
  }
  const f = L[format];
  switch (field.type) {
    case 'timestamp':
      return f.timestamp(value);
    case 'boolean':
      return f.boolean(value);
    case 'integer':
    case 'number':
      return f.number(value);
    case 'json':
      return spec.json.includes(field.name) ? f.json(value) : null;
    case 'string':
    case 'date':
      return format === 'csv' ? L.csv.string(value, neutralize) : L.jsonl.string(value);
    default:
      return null;
  }
}

/** personal-space.ts in SQL: in a personal workspace, its name becomes its owner's pseudonym label and the names in it are hidden. */
function personalSpaceCell(L: LineSql, rule: 'label' | 'hide', value: Expr, ws: { kind: string; owner: string }): Expr {
  const kind = sql.raw(ws.kind);
  const owner = sql.raw(ws.owner);
  const personal =
    rule === 'hide'
      ? sql`NULL`
      : sql`CASE WHEN ${owner} IS NULL OR ${owner} = '' THEN ${L.literal('Personal workspace')} ELSE ${L.concat([L.literal('Personal workspace of '), L.pseudonym(owner)])} END`;
  return sql`CASE WHEN ${kind} = 'personal' THEN ${personal} ELSE ${value} END`;
}

/**
 * The file of a record export as bytes made by the database, or null when this request has no fast path.
 * The manifest's sums come from extra columns of the line query, added up as the lines pass.
 * @example const fast = recordByteStream(spec, store, query, { format: 'csv', fields, timezone: 'UTC', limit, tooMany });
 */
export function recordByteStream(spec: LineSpec, store: Store, query: DatasetQuery, encoding: ByteEncoding): LineStream | null {
  const lines = store.dialect.lines;
  const format = encoding.format;
  const framing = FRAMING[format];
  // Only the text formats have lines; Parquet and XLSX are written by their encoders.
  if (!lines || !framing) return null;
  const fields = encoding.fields;
  if (spec.needsRowWork(fields, query) || fields.some((f) => spec.columns[f.name] === undefined)) return null;
  const ctx = lineContext(query, encoding);
  const L = lines.sql(ctx);
  const neutralize = encoding.neutralizeFormulas ?? true;
  const cells: Expr[] = [];
  // A JSON array's elements are JSON Lines' objects: the same cells, framed differently below.
  const cellFormat = format === 'csv' ? 'csv' : 'jsonl';
  for (const f of fields) {
    const c = cell(L, cellFormat, f, spec.columns[f.name], spec, query, neutralize);
    if (!c) return null;
    cells.push(c);
  }
  const parents = lines.parentCells && (encoding.estimatedRows ?? 0) >= PARENT_CELLS_FROM_ROWS ? parentCells(spec, store, query, fields, cells, lines.parentCells) : null;
  const parts: Expr[] = [];
  if (cellFormat === 'csv') {
    cells.forEach((c, i) => parts.push(...(i > 0 ? [L.literal(','), c] : [c])));
  } else {
    fields.forEach((f, i) => parts.push(L.literal((i === 0 ? '{' : ',') + JSON.stringify(f.name) + ':'), cells[i]));
    parts.push(L.literal(fields.length === 0 ? '{}' : '}'));
  }
  let qb = spec.from((parents?.db ?? store.db) as Kysely<any>, query);
  for (const join of parents?.joins ?? []) qb = join(qb);
  qb = qb.select(sql`${L.concat(parts)}`.as('line'));
  const summed = encoding.sums && trailingSums(spec.columns, encoding.sums, L.summed);
  if (summed) qb = qb.select(summed.select);
  for (const [expr, dir] of spec.orderBy) qb = qb.orderBy(sql.raw(expr), dir);
  const limits = { limit: encoding.limit, tooMany: encoding.tooMany };
  return lines.stream(qb.compile(), ctx, { ...framing(fields, encoding), ...limits }, summed?.inline);
}

/** Below this many estimated rows, formatting every parent of the org once may cost more than it saves. */
const PARENT_CELLS_FROM_ROWS = 5_000;
/** `alias.column`, the only column text whose table is known for certain. */
const PLAIN_COLUMN = /^([A-Za-z_]\w*)\.[A-Za-z_]\w*$/;

/** The tables a field's cell reads, by alias (privacy as in `cell`); null when its column is not a plain `alias.column`. */
function cellAliases(field: FieldDef, column: string, spec: LineSpec, query: DatasetQuery): Set<string> | null {
  const texts = [column];
  // A hidden field is a constant; a pseudonym reads its column alone.
  if (!query.userLevelData && field.pii && !field.pseudonym) return null;
  if (!query.userLevelData && !field.pii && field.personalSpace && spec.personalSpace) texts.push(spec.personalSpace.kind, spec.personalSpace.owner);
  const aliases = new Set<string>();
  for (const text of texts) {
    const alias = PLAIN_COLUMN.exec(text)?.[1];
    if (!alias) return null;
    aliases.add(alias);
  }
  return aliases;
}

/** The LEFT JOINed tables of a query, alias → table name. */
function leftJoinedTables(node: SelectQueryNode): Map<string, string> {
  const tables = new Map<string, string>();
  for (const join of node.joins ?? []) {
    const t = join.table;
    if (join.joinType === 'LeftJoin' && AliasNode.is(t) && TableNode.is(t.node) && IdentifierNode.is(t.alias) && !t.node.table.schema) tables.set(t.alias.name, t.node.table.identifier.name);
  }
  return tables;
}

/**
 * Cells that read one LEFT JOINed table only (a run's workflow name, its pipeline JSON, the user's email)
 * repeat on every row of the same parent: they are formatted once per parent and each line copies the
 * finished text. SQLite: every parent of the org in a materialized CTE, joined back on its rowid.
 * PostgreSQL: a LATERAL subquery on the parent's ctid behind an `OFFSET 0` fence (so the planner cannot
 * pull the cells back up into the row), which Memoize then caches per ctid. On the demo's 1M runs (95
 * workflows) the SQLite stream takes 6.4 s instead of 8.5 s, and PostgreSQL's COPY 6.8 s on one core
 * instead of 9.2–9.8 s (or ~6 s on two parallel workers, which the export's own process then lacks).
 * A row without its parent (the LEFT JOIN found none) keeps its own cell, the cell of NULL. Replaces
 * the entries of `cells` it moves.
 */
function parentCells(spec: LineSpec, store: Store, query: DatasetQuery, fields: readonly FieldDef[], cells: Expr[], how: { rowKey: string; join: 'materialized' | 'lateral' }) {
  const tables = leftJoinedTables(spec.from(store.db as Kysely<any>, query).toOperationNode() as SelectQueryNode);
  const byAlias = new Map<string, number[]>();
  fields.forEach((f, i) => {
    const aliases = cellAliases(f, spec.columns[f.name], spec, query);
    const alias = aliases?.size === 1 ? [...aliases][0] : undefined;
    if (alias && tables.has(alias)) byAlias.set(alias, [...(byAlias.get(alias) ?? []), i]);
  });
  if (byAlias.size === 0) return null;
  let db: any = store.db;
  const joins: ((qb: any) => any)[] = [];
  for (const [alias, indexes] of byAlias) {
    const table = `${tables.get(alias)} as ${alias}`;
    const formatted = indexes.map((i) => sql`${cells[i]}`.as(`c${i}`));
    const key = sql.raw(`${alias}.${how.rowKey}`);
    const cellsOf = `line_${alias}`;
    // Null when the row has no such parent (the LEFT JOIN found none).
    let found: Expr;
    if (how.join === 'materialized') {
      db = db.with((wb: any) => wb(cellsOf).materialized(), (d: any) => d.selectFrom(table).select([sql`${key}`.as('k'), ...formatted]).where(`${alias}.org_id`, '=', query.orgId));
      joins.push((qb) => qb.leftJoin(cellsOf, (j: any) => j.on(sql`${sql.ref(`${cellsOf}.k`)} = ${key}`)));
      found = sql.ref(`${cellsOf}.k`);
    } else {
      // The key goes through a lateral of its own: inside the next one, `alias` names the parent table again.
      const keyOf = `line_key_${alias}`;
      const d = store.db as Kysely<any>;
      const keyQuery = d.selectNoFrom(sql`${key}`.as('k')).as(keyOf);
      const cellQuery = d.selectFrom(table).select(formatted).where(sql<boolean>`${key} = ${sql.ref(`${keyOf}.k`)}`).offset(0).as(cellsOf);
      joins.push((qb) => qb.leftJoinLateral(keyQuery, (j: any) => j.onTrue()).leftJoinLateral(cellQuery, (j: any) => j.onTrue()));
      found = sql.ref(`${keyOf}.k`);
    }
    for (const i of indexes) cells[i] = sql`CASE WHEN ${found} IS NULL THEN ${cells[i]} ELSE ${sql.ref(`${cellsOf}.c${i}`)} END`;
  }
  return { db: db as Kysely<any>, joins };
}

/**
 * A manifest's sums as columns a stream's query carries after everything else (`sum_0`, …; `wrap` gives
 * each the type its reader sums), and the InlineSums that hands their totals back by field name. Each is
 * the field's column in the dataset's query: sums never go through privacy.
 */
export function trailingSums(columns: Readonly<Record<string, string>>, sums: SnapshotSums, wrap: (column: Expr) => Expr = (c) => c) {
  const select = sums.fields.map((f, i) => {
    const column = columns[f];
    if (column === undefined) throw new Error(`cannot sum ${f}: not a column`);
    return wrap(sql.raw(column)).as(`sum_${i}`);
  });
  const inline: InlineSums = { columns: sums.fields.length, read: (totals) => sums.read(Object.fromEntries(sums.fields.map((f, i) => [f, totals[i]]))) };
  return { select, inline };
}

/** Each format's text around the lines, as its row encoder in src/formats writes it. */
const FRAMING: Partial<Record<ByteEncoding['format'], (fields: readonly FieldDef[], encoding: ByteEncoding) => Omit<LineFraming, 'limit' | 'tooMany'>>> = {
  csv: (fields, encoding) => ({ head: csvHead({ fields, bom: encoding.bom }), terminator: '\r\n' }),
  jsonl: () => ({ head: '', terminator: '\n' }),
  json: () => ({ head: '', first: '[\n', between: ',\n', terminator: '', tail: (rows) => (rows === 0 ? '[]' : '\n]') }),
};
