import { sql, type Kysely } from 'kysely';
import type { Store } from '../db/database.js';
import { BATCH_SIZE, flatten } from './batching.js';
import { recordByteStream, trailingSums, type LineSpec } from './byte-stream.js';
import { dropUnusedJoins } from './count-joins.js';
import { selectedFields } from './fields.js';
import type { AnyQuery } from './filters.js';
import { KIND_COLUMN, OWNER_COLUMN, personalSpaceTransform } from './personal-space.js';
import { privacyTransform, type RowTransform } from './privacy.js';
import type { Dataset, DatasetQuery, FieldDef, Row, SnapshotSums } from './types.js';

/*
 * Record datasets are one streamed SELECT each: FROM + LEFT JOINs + WHERE, columns aliased to the field
 * names so the driver's row object is the output row. Work per row happens only when it must (JSON text
 * of a requested json field, privacy masking); otherwise the driver's stream is returned untouched.
 */

/** Caps the parsed-JSON cache of repeated texts (a workflow's pipeline repeats on every run of it). */
const JSON_CACHE_LIMIT = 1000;

export interface RecordSpec extends Omit<Dataset, 'rows' | 'batches' | 'count' | 'kind' | 'groupBy'> {
  /** Field name → SQL expression text over the aliases of `from` (e.g. `r.created_at`). Constants only. */
  readonly columns: Readonly<Record<string, string>>;
  /** json fields stored as text, parsed only when requested. */
  readonly json?: readonly string[];
  /** json fields whose text repeats across rows: parsed once per distinct text. */
  readonly repeatedJson?: readonly string[];
  /** FROM, JOINs and WHERE for a query; no select, no order. Every join is a LEFT JOIN matching at most one row (count leaves out the ones its filters do not use). */
  from(db: Kysely<any>, query: DatasetQuery): AnyQuery;
  /** Stable order: `[expression, direction]` pairs, ending with a unique key. */
  readonly orderBy: readonly (readonly [string, 'asc' | 'desc'])[];
  /** SQL over `from`'s aliases for the row's workspace kind and owner, for fields with `personalSpace`. */
  readonly personalSpace?: { readonly kind: string; readonly owner: string };
  /** The change-sequence column of the dataset's own table (e.g. `r.seq`), for reads by sequence. */
  readonly sequenceColumn: string;
  /** Extra per-row work for the fields being read (e.g. picking keys out of a JSON column). */
  prepare?(fields: readonly FieldDef[]): { extraColumns?: Record<string, string>; transform: RowTransform } | null;
}

/**
 * Builds a records Dataset from its spec: rows stream in `orderBy`, count runs the same FROM/WHERE.
 * @example export const workflowRuns = recordDataset({ name: 'workflow_runs', … });
 */
export function recordDataset(spec: RecordSpec): Dataset {
  const { columns, json = [], repeatedJson = [], from, orderBy, prepare, personalSpace, sequenceColumn, ...meta } = spec;
  // Custom per-row JavaScript rules out the fast path (personal-space names it does in SQL).
  const needsRowWork = (fields: readonly FieldDef[]) => (prepare?.(fields) ?? null) !== null;
  const lineSpec: LineSpec = { columns, json, from, orderBy, needsRowWork, personalSpace };

  return {
    ...meta,
    kind: 'records',
    groupBy: [],
    rows(store: Store, query: DatasetQuery): AsyncIterable<Row> {
      return flatten(this.batches(store, query));
    },
    batches(store: Store, query: DatasetQuery, sums?: SnapshotSums): AsyncIterable<Row[]> {
      const fields = selectedFields(meta.fields, query);
      const custom = prepare?.(fields) ?? null;
      const personal = personalSpace ? personalSpaceTransform(fields, query) : null;
      const select = {
        ...pick(columns, fields),
        ...custom?.extraColumns,
        ...(personal && personalSpace ? { [KIND_COLUMN]: personalSpace.kind, [OWNER_COLUMN]: personalSpace.owner } : {}),
      };
      let qb = from(store.db as Kysely<any>, query).select(Object.entries(select).map(([name, expr]) => sql.raw(expr).as(name)));
      const seq = query.sequence;
      if (seq) {
        // A drain's read: after its cursor, in change-sequence order (commit order), one batch.
        qb = qb.select(sql.raw(sequenceColumn).as('_sequence')).where(sql.raw(sequenceColumn), '>', seq.after);
        if (seq.upTo !== undefined) qb = qb.where(sql.raw(sequenceColumn), '<=', seq.upTo);
        qb = qb.orderBy(sql.raw(sequenceColumn), 'asc').limit(seq.limit);
      } else {
        for (const [expr, dir] of orderBy) qb = qb.orderBy(sql.raw(expr), dir);
      }
      const fromColumns = fields.filter((f) => columns[f.name] !== undefined);
      const steps = [
        ...fromColumns.filter((f) => json.includes(f.name)).map((f) => parseJson(f.name, repeatedJson.includes(f.name))),
        ...fromColumns.filter((f) => f.type === 'boolean').map((f) => toBoolean(f.name)),
        custom?.transform,
        personal,
        privacyTransform(fields, query),
      ].filter((s): s is RowTransform => Boolean(s));
      // The manifest's sums: columns after the row's, added up as the rows pass (and not in the rows).
      const summed = sums && trailingSums(columns, sums);
      if (summed) qb = qb.select(summed.select);
      const stream = store.streamBatches(qb.compile(), BATCH_SIZE, summed?.inline) as AsyncIterable<Row[]>;
      return steps.length === 0 ? stream : transformed(stream, steps);
    },
    byteStream: (store, query, encoding) => recordByteStream(lineSpec, store, query, encoding),
    async count(store: Store, query: DatasetQuery): Promise<number> {
      const row = await from(store.db.withPlugin(dropUnusedJoins) as Kysely<any>, query).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}

function pick(columns: Readonly<Record<string, string>>, fields: readonly FieldDef[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (columns[f.name] !== undefined) out[f.name] = columns[f.name];
  return out;
}

async function* transformed(batches: AsyncIterable<Row[]>, steps: readonly RowTransform[]): AsyncIterable<Row[]> {
  const n = steps.length;
  for await (const batch of batches) {
    for (const row of batch) for (let i = 0; i < n; i++) steps[i](row);
    yield batch;
  }
}

/** Stored 0/1 → boolean, in place (both databases store booleans as integers). */
function toBoolean(name: string): RowTransform {
  return (row) => {
    const v = row[name];
    if (v !== null && v !== undefined) row[name] = Number(v) !== 0;
  };
}

/** Parses one JSON-text column in place; with `repeated`, equal texts share one parsed value. */
export function parseJson(name: string, repeated = false): RowTransform {
  if (!repeated) {
    return (row) => {
      const v = row[name];
      if (typeof v === 'string') row[name] = JSON.parse(v);
    };
  }
  const cache = new Map<string, unknown>();
  return (row) => {
    const v = row[name];
    if (typeof v !== 'string') return;
    let parsed = cache.get(v);
    if (parsed === undefined) {
      parsed = JSON.parse(v);
      if (cache.size >= JSON_CACHE_LIMIT) cache.clear();
      cache.set(v, parsed);
    }
    row[name] = parsed;
  };
}
