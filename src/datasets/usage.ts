import { sql, type Kysely } from 'kysely';
import { BATCH_SIZE, flatten, toBatches } from './batching.js';
import type { Store } from '../db/database.js';
import { selectedFields, type FieldSpec } from './fields.js';
import type { AnyQuery } from './filters.js';
import { privacyTransform } from './privacy.js';
import { localDate } from './time.js';
import type { Dataset, DatasetQuery, FieldDef, Row } from './types.js';

/*
 * Langdock-style usage datasets: one row per subject (user, agent, project, model, API key) for the whole
 * period, aggregated from `messages` in SQL (GROUP BY + window ranks), so only subjects with messages in
 * the period appear. A `group_by` adds one more key (one row per subject × model, or model × source).
 * JSON breakdowns (`model_to_messages_total`, …) come from one small GROUP BY query each, run first and
 * only when requested: the whole result is one row per subject, so holding a breakdown map is fine.
 */

/** The columns every usage dataset starts with (Langdock's). */
export const PERIOD_FIELDS: Record<string, FieldSpec> = {
  period_start: { type: 'date', group: 'Period', description: 'First day of the report period (YYYY-MM-DD in the request time zone)' },
  period_end: { type: 'date', group: 'Period', description: 'Last day of the report period, inclusive (YYYY-MM-DD in the request time zone)' },
  org_id: { type: 'string', group: 'Period', description: 'Id of the organization (Langdock: workspace) the report is for' },
};

/** SQL counting the messages of one source. */
export const countSource = (source: 'chat' | 'agent' | 'project' | 'api'): string => `sum(case when m.source = '${source}' then 1 else 0 end)`;

/**
 * SQL summing a message column without overflowing: SQLite's integer `sum` raises "integer overflow"
 * past 2^63 (1,024 messages of 2^53 tokens do it), so the sum is taken over reals there; PostgreSQL
 * sums integers as exact numerics either way.
 */
export const sumOf = (ref: string): string => `sum(${ref} * 1.0)`;

/** Rounds a derived average to 2 decimals (both databases then agree to the digit). */
export const round2 = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

export interface UsageSpec extends Omit<Dataset, 'rows' | 'batches' | 'count' | 'kind' | 'orgWide'> {
  /** Output name → SQL over `m` (messages) for the columns that identify one subject. */
  readonly keys: Readonly<Record<string, string>>;
  /** group_by value → SQL over `m`; the output column is named after the value. */
  readonly groups?: Readonly<Record<string, string>>;
  /** Output name → aggregate SQL over `m`. The first one orders the rows (descending). */
  readonly measures: Readonly<Record<string, string>>;
  /** Rank field → the measure it ranks (dense, 1 = most; within the group when grouped). */
  readonly ranks?: Readonly<Record<string, string>>;
  /** JSON breakdown field → SQL over `m` of the breakdown key; values are message counts. */
  readonly maps?: Readonly<Record<string, string>>;
  /** LEFT JOINs of the subject's attributes onto `agg`, selecting them under their field names. */
  attach?(qb: AnyQuery, query: DatasetQuery): AnyQuery;
  /** Personal scope: the key holding the caller's user id (absent = organization scope only). */
  readonly personalKey?: string;
  /** Values computed from the others, e.g. an average. */
  derive?(row: Row): void;
}

/**
 * Builds a usage Dataset from its spec.
 * @example export const projectsUsage = usageDataset({ name: 'projects_usage', keys: { project_id: 'm.project_id' }, … });
 */
export function usageDataset(spec: UsageSpec): Dataset {
  const { keys, groups = {}, measures, ranks = {}, maps = {}, attach, personalKey, derive, ...meta } = spec;
  const firstMeasure = Object.keys(measures)[0];

  /** Subject keys (plus the group key) → SQL, as the GROUP BY and the join key of the breakdowns. */
  const keyColumns = (q: DatasetQuery): [string, string][] => {
    const out = Object.entries(keys);
    if (q.groupBy && groups[q.groupBy]) out.push([q.groupBy, groups[q.groupBy]]);
    return out;
  };

  const filtered = (db: Kysely<any>, q: DatasetQuery, personal: boolean): AnyQuery => {
    let qb = db.selectFrom('messages as m').where('m.org_id', '=', q.orgId).where('m.created_at', '>=', q.from).where('m.created_at', '<', q.to);
    for (const expr of Object.values(keys)) qb = qb.where(sql.raw(expr), 'is not', null);
    if (personal && personalKey && q.scope === 'personal') qb = qb.where(sql.raw(keys[personalKey]), '=', q.userId);
    return qb;
  };

  const aggregate = (db: Kysely<any>, q: DatasetQuery): AnyQuery => {
    const kc = keyColumns(q);
    const partition = q.groupBy && groups[q.groupBy] ? `partition by ${groups[q.groupBy]} ` : '';
    return filtered(db, q, false)
      .select([
        ...kc.map(([name, expr]) => sql.raw(expr).as(name)),
        ...Object.entries(measures).map(([name, expr]) => sql.raw(expr).as(name)),
        ...Object.entries(ranks).map(([name, m]) => sql.raw(`dense_rank() over (${partition}order by ${measures[m]} desc)`).as(name)),
      ])
      .groupBy(kc.map(([, expr]) => sql.raw(expr)));
  };

  async function breakdowns(db: Kysely<any>, q: DatasetQuery, wanted: readonly FieldDef[]): Promise<Map<string, Map<string, Record<string, number>>>> {
    const out = new Map<string, Map<string, Record<string, number>>>();
    const kc = keyColumns(q);
    for (const f of wanted) {
      const keyExpr = maps[f.name];
      if (keyExpr === undefined) continue;
      const rows = await filtered(db, q, true)
        .where(sql.raw(keyExpr), 'is not', null)
        .select([...kc.map(([name, expr]) => sql.raw(expr).as(name)), sql.raw(keyExpr).as('__k'), sql<number>`count(*)`.as('__n')])
        .groupBy([...kc.map(([, expr]) => sql.raw(expr)), sql.raw(keyExpr)])
        .orderBy(sql.raw(keyExpr))
        .execute();
      const byKey = new Map<string, Record<string, number>>();
      for (const r of rows) {
        const id = subjectKey(r, kc);
        let obj = byKey.get(id);
        if (!obj) byKey.set(id, (obj = {}));
        obj[String(r.__k)] = Number(r.__n);
      }
      out.set(f.name, byKey);
    }
    return out;
  }

  return {
    ...meta,
    kind: 'usage',
    orgWide: false,
    batches(store: Store, q: DatasetQuery): AsyncIterable<Row[]> {
      return toBatches(this.rows(store, q));
    },
    async *rows(store: Store, q: DatasetQuery): AsyncIterable<Row> {
      const db = store.db as Kysely<any>;
      const fields = selectedFields(meta.fields, q);
      const kc = keyColumns(q);
      const breakdown = await breakdowns(db, q, fields);
      let qb = db.selectFrom(aggregate(db, q).as('agg')).selectAll('agg');
      if (attach) qb = attach(qb, q);
      if (personalKey && q.scope === 'personal') qb = qb.where(`agg.${personalKey}`, '=', q.userId);
      qb = qb.orderBy(`agg.${firstMeasure}`, 'desc');
      for (const [name] of kc) qb = qb.orderBy(`agg.${name}`, 'asc');
      const periodStart = localDate(q.from, q.timezone);
      const periodEnd = localDate(Math.max(q.from, q.to - 1), q.timezone);
      const dates = fields.filter((f) => f.type === 'date' && !f.name.startsWith('period_')).map((f) => f.name);
      const booleans = fields.filter((f) => f.type === 'boolean').map((f) => f.name);
      const groupFields = fields.filter((f) => f.groupBy && f.groupBy !== q.groupBy).map((f) => f.name);
      const privacy = privacyTransform(fields, q);
      for await (const row of flatten(store.streamBatches(qb.compile(), BATCH_SIZE) as AsyncIterable<Row[]>)) {
        row.period_start = periodStart;
        row.period_end = periodEnd;
        row.org_id = q.orgId;
        for (const name of groupFields) row[name] = null;
        for (const [name, byKey] of breakdown) row[name] = byKey.get(subjectKey(row, kc)) ?? {};
        for (const name of dates) if (row[name] !== null && row[name] !== undefined) row[name] = localDate(Number(row[name]), q.timezone);
        for (const name of booleans) if (row[name] !== null && row[name] !== undefined) row[name] = Number(row[name]) !== 0;
        derive?.(row);
        privacy?.(row);
        yield row;
      }
    },
    async count(store: Store, q: DatasetQuery): Promise<number> {
      const db = store.db as Kysely<any>;
      const kc = keyColumns(q);
      const inner = filtered(db, q, true)
        .select(kc.map(([name, expr]) => sql.raw(expr).as(name)))
        .groupBy(kc.map(([, expr]) => sql.raw(expr)));
      const row = await db.selectFrom(inner.as('agg')).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    },
  };
}

/** One string per subject (and group) to join a breakdown row to its output row. */
function subjectKey(row: Row, kc: readonly [string, string][]): string {
  return kc.length === 1 ? String(row[kc[0][0]]) : JSON.stringify(kc.map(([name]) => row[name]));
}
