import type { Kysely } from 'kysely';
import type { Store } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { derivedLogValue, isDerivedLogKey } from './llm-log-derived.js';
import { llmLogsCache, type Anchor } from './llm-logs-cache.js';
import { LLM_LOG_COLUMNS, llmLogs } from './llm-logs.js';
import { privacyTransform } from './privacy.js';

/*
 * One page of a project's LLM logs, newest first — the read behind Humanloop's synchronous
 * `POST /v4/projects/{id}/export?page&size`. Same rows, order and privacy as the `llm_logs` dataset,
 * shaped as Humanloop v4 log records.
 *
 * Offset paging is what the vendor's API is, so the cost of a deep page is kept to walking index
 * entries: a deferred join pages over the (org_id, project_id, created_at, id) index alone (an
 * index-only scan on both databases) and only the `size` rows of the page are then read from the table.
 * Pages already served leave anchors (llm-logs-cache.ts): the next page seeks to the previous page's
 * last key on the same index and walks nothing before it, and `total` is counted once per project and
 * kept until an ingest of the org's llm_logs (or a short TTL).
 */

/** The keys of a Humanloop v4 log record, in the vendor's documented order; absent values are null. */
export const LLM_LOG_RECORD_KEYS = [
  'id', 'config', 'evaluation_results', 'observability_status', 'updated_at', 'project', 'project_id', 'session_id',
  'session_reference_id', 'parent_id', 'parent_reference_id', 'inputs', 'source', 'metadata', 'save', 'source_datapoint_id',
  'reference_id', 'messages', 'output', 'judgment', 'config_id', 'environment', 'feedback', 'created_at', 'error', 'stdout',
  'duration', 'output_message', 'prompt_tokens', 'output_tokens', 'prompt_cost', 'output_cost', 'provider_request',
  'provider_response', 'user', 'provider_latency', 'tokens', 'raw_output', 'finish_reason', 'tools', 'tool_choice', 'batch_ids',
] as const;

export type LlmLogRecord = Record<(typeof LLM_LOG_RECORD_KEYS)[number], unknown>;

export interface LlmLogsPageQuery {
  readonly orgId: string;
  readonly projectId: string;
  /** Zero-based page number. */
  readonly page: number;
  /** Records per page (≥ 1). */
  readonly size: number;
  /** Org setting: when false, `user` becomes a stable per-org pseudonym. */
  readonly userLevelData: boolean;
  readonly pseudonymKey: string;
}

/** Record keys read from table columns (the `llm_logs` dataset's columns); every other key is in `data`. */
const COLUMN_KEYS = new Set(Object.keys(LLM_LOG_COLUMNS));
const TIMESTAMP_KEYS = new Set(['created_at', 'updated_at']);

/**
 * Reads page `page` of `size` logs of one project, newest `created_at` first (ties: id descending), and the
 * project's total. Pages past the end are empty.
 * @example const { records, total } = await pageLlmLogs(store, { orgId, projectId: 'pr_1', page: 0, size: 10, userLevelData: true, pseudonymKey });
 */
export async function pageLlmLogs(store: Store, q: LlmLogsPageQuery): Promise<{ records: LlmLogRecord[]; total: number }> {
  // Two statements, not one snapshot: a concurrent ingest may make total and page disagree by its rows.
  const [total, records] = await Promise.all([cachedLlmLogsCount(store.db, q.orgId, q.projectId), readLlmLogsPage(store, q)]);
  return { records, total };
}

/**
 * The project's log count, from the paging cache when this process has counted it since the org's last
 * llm_logs ingest (see llm-logs-cache.ts).
 * @example const total = await cachedLlmLogsCount(store.db, orgId, 'pr_1');
 */
export async function cachedLlmLogsCount(db: Kysely<Database>, orgId: string, projectId: string): Promise<number> {
  const cache = llmLogsCache(db);
  const known = cache.total(orgId, projectId);
  if (known !== undefined) return known;
  const generation = cache.generation(orgId);
  const total = await countLlmLogs(db, orgId, projectId);
  cache.setTotal(orgId, projectId, generation, total);
  return total;
}

/**
 * The records of one page only (no total), through the deferred join described at the top.
 * @example const records = await readLlmLogsPage(store, { orgId, projectId: 'pr_1', page: 3, size: 100, userLevelData: true, pseudonymKey });
 */
export async function readLlmLogsPage(store: Store, q: LlmLogsPageQuery): Promise<LlmLogRecord[]> {
  const db = store.db;
  const offset = q.page * q.size;
  // Past any possible row.
  if (!Number.isSafeInteger(offset)) return [];

  // Seek from the nearest anchor at or before the offset (keyset on the same index), then walk the rest.
  const cache = llmLogsCache(db);
  const generation = cache.generation(q.orgId);
  const anchor: Anchor | undefined = offset > 0 ? cache.anchor(q.orgId, q.projectId, offset) : undefined;
  let keys = db
    .selectFrom('llm_logs')
    .select('id')
    .where('org_id', '=', q.orgId)
    .where('project_id', '=', q.projectId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.size)
    .offset(offset - (anchor?.offset ?? 0));
  if (anchor) keys = keys.where((eb) => eb(eb.refTuple('created_at', 'id'), anchor.inclusive ? '<=' : '<', eb.tuple(anchor.key.createdAt, anchor.key.id)));
  const rows = await db
    .selectFrom(keys.as('k'))
    .innerJoin('llm_logs as l', (j) => j.on('l.org_id', '=', q.orgId).onRef('l.id', '=', 'k.id'))
    .leftJoin('projects as p', (j) => j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.project_id'))
    .select([
      'l.id', 'l.project_id', 'l.session_id', 'l.parent_id', 'l.environment', 'l.created_at', 'l.updated_at', 'l.source', 'l.user', 'l.data',
      'p.name as project',
    ])
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id', 'desc')
    .execute();

  if (rows.length > 0) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    cache.addAnchors(q.orgId, q.projectId, generation, [
      { offset, key: { createdAt: Number(first.created_at), id: first.id }, inclusive: true },
      { offset: offset + rows.length, key: { createdAt: Number(last.created_at), id: last.id }, inclusive: false },
    ]);
  }

  const mask = privacyTransform(llmLogs.fields, q);
  return rows.map((row) => {
    const record = toRecord(row as unknown as Record<string, unknown>);
    mask?.(record);
    return record;
  });
}

/** How many logs the project has. */
export async function countLlmLogs(db: Kysely<Database>, orgId: string, projectId: string): Promise<number> {
  const row = await db
    .selectFrom('llm_logs')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('org_id', '=', orgId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * True when the org knows the project: it was ingested as a project, or logs were sent for it (logs may
 * arrive before their project). Another org's project of the same id is not known here.
 */
export async function llmLogsProjectExists(store: Store, orgId: string, projectId: string): Promise<boolean> {
  const project = await store.db.selectFrom('projects').select('id').where('org_id', '=', orgId).where('id', '=', projectId).executeTakeFirst();
  if (project) return true;
  const log = await store.db.selectFrom('llm_logs').select('id').where('org_id', '=', orgId).where('project_id', '=', projectId).limit(1).executeTakeFirst();
  return log !== undefined;
}

/** A stored row (columns + the `data` JSON of every other v4 field) as a record with every key. */
function toRecord(row: Record<string, unknown>): LlmLogRecord {
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : {};
  const record = {} as Record<string, unknown>;
  for (const key of LLM_LOG_RECORD_KEYS) {
    if (isDerivedLogKey(key)) record[key] = derivedLogValue(data, key);
    else if (!COLUMN_KEYS.has(key)) record[key] = data[key] ?? null;
    else if (TIMESTAMP_KEYS.has(key)) record[key] = row[key] === null || row[key] === undefined ? null : new Date(Number(row[key])).toISOString();
    else record[key] = row[key] ?? null;
  }
  return record as LlmLogRecord;
}
