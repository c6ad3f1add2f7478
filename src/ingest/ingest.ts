import { sql, type Kysely } from 'kysely';
import { unstorableReason } from '../text/storable.js';
import type { Store } from '../db/database.js';
import type { SluiceDialect } from '../db/dialect.js';
import { takeSequence } from '../db/sequence.js';
import { Unprocessable } from '../errors.js';
import { llmLogsCache } from '../datasets/llm-logs-cache.js';
import { entities, type EntityName, type EntityRow } from './entities.js';
import { filterState, isChild, isParent, noteOrphans, settleChildren } from './parents.js';

/** One bad row of a batch, as reported in a 422. */
export interface RowError {
  index: number;
  field: string;
  message: string;
}

/** At most this many row errors are listed in one response; the count says how many there were. */
const MAX_REPORTED_ERRORS = 1000;

/**
 * Validates every row of a batch. Throws `Unprocessable` listing `{index, field, message}` for each
 * bad row; returns the stored rows when all are valid.
 */
export function validateBatch<E extends EntityName>(entity: E, input: readonly unknown[]): EntityRow<E>[] {
  const schema = entities[entity];
  const rows: EntityRow<E>[] = new Array(input.length);
  const errors: RowError[] = [];
  let errorCount = 0;
  for (let index = 0; index < input.length; index++) {
    const raw = input[index];
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, field: '', message: 'must be a JSON object' });
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      rows[index] = parsed.data as EntityRow<E>;
      // Stored text only: JSON fields are stored as JSON text, whose escapes are always storable.
      for (const [field, value] of Object.entries(parsed.data as Record<string, unknown>)) {
        const reason = typeof value === 'string' ? unstorableReason(value) : null;
        if (!reason) continue;
        errorCount++;
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, field, message: reason });
      }
    } else {
      for (const issue of parsed.error.issues) {
        errorCount++;
        if (errors.length < MAX_REPORTED_ERRORS) {
          errors.push({ index, field: issue.path.join('.'), message: issue.code === 'invalid_type' && (raw as any)[issue.path[0] as string] === undefined ? 'is required' : issue.message });
        }
      }
    }
  }
  if (errorCount > 0) {
    const first = errors[0];
    throw new Unprocessable(
      `${errorCount} invalid field(s) in the batch; nothing was written (first: row ${first.index}, ${first.field || 'row'} ${first.message})`,
      { errors, error_count: errorCount },
    );
  }
  return rows;
}

/** Entities whose rows carry the per-org change sequence (the record tables drains read). */
export const SEQUENCED_ENTITIES: ReadonlySet<EntityName> = new Set<EntityName>(['workflow_runs', 'agents', 'agent_interactions', 'credit_logs', 'llm_logs']);

/**
 * Upserts validated rows of one entity for an org, in one transaction, by `(org_id, id)`.
 * Sending the same rows twice leaves the table as it was after the first time: an unchanged row is not
 * rewritten and keeps its change sequence; a changed one gets a new sequence (drains deliver it again).
 */
export async function upsertRows<E extends EntityName>(store: Store, orgId: string, entity: E, input: readonly EntityRow<E>[]): Promise<number> {
  if (input.length === 0) return 0;
  // An id sent twice in one batch: the later row wins, as it would in two batches.
  const rows = hasDuplicateIds(input) ? [...new Map(input.map((r) => [(r as { id: string }).id, r])).values()] : input;
  // Humanloop paging keeps counts and page anchors of llm_logs: they no longer hold once rows change.
  if (entity === 'llm_logs') llmLogsCache(store.db).forget(orgId);
  try {
    await store.db.transaction().execute((trx) => writeRows(store.dialect, trx, orgId, entity, rows as readonly Record<string, unknown>[]));
  } finally {
    // Again after the commit: a page read during the transaction must not be kept either.
    if (entity === 'llm_logs') llmLogsCache(store.db).forget(orgId);
  }
  // An id repeated in the batch is one row: count what is stored, not what was sent.
  return rows.length;
}

/**
 * The body of an ingest transaction: takes change-sequence numbers (which holds the org's counter row
 * until the caller commits, ordering commits), then upserts, then re-sequences the children of parents
 * that arrived or moved. Rows have distinct ids and are stamped in place.
 */
export async function writeRows(dialect: SluiceDialect, trx: Kysely<any>, orgId: string, entity: EntityName, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  if (SEQUENCED_ENTITIES.has(entity)) {
    const first = await takeSequence(trx, orgId, entity, rows.length);
    for (let i = 0; i < rows.length; i++) (rows[i] as Record<string, unknown>).seq = first + i;
  }
  // Drain filters read some columns through joins (a run's team is its workflow's workspace): rows whose
  // parent is not known yet are written down, and a parent that arrives or moves re-sequences the rows
  // that read it (see parents.ts).
  const ids = isParent(entity) ? rows.map((r) => r.id as string) : [];
  const before = isParent(entity) ? await filterState(trx, orgId, entity, ids, dialect.supportsSkipLocked) : undefined;
  await upsert(dialect, trx, orgId, entity, rows);
  if (isChild(entity)) await noteOrphans(trx, orgId, entity, rows);
  if (isParent(entity) && before) await settleChildren(trx, orgId, entity, before, await filterState(trx, orgId, entity, ids, false));
}

/** The upsert itself: the dialect's bulk path, else multi-row INSERT … ON CONFLICT in chunks. */
async function upsert(dialect: SluiceDialect, trx: Kysely<any>, orgId: string, entity: EntityName, rows: readonly Record<string, unknown>[]): Promise<void> {
  const bulk = dialect.bulkUpsert;
  if (bulk) {
    for (let start = 0; start < rows.length; start += BULK_CHUNK) await bulk(trx, entity, orgId, rows.slice(start, start + BULK_CHUNK));
    return;
  }
  const columns = Object.keys(rows[0]);
  const updateColumns = columns.filter((c) => c !== 'id');
  const compared = updateColumns.filter((c) => c !== 'seq');
  const chunkSize = Math.max(1, Math.min(2000, Math.floor(dialect.maxParameters / (columns.length + 1))));
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize).map((r) => ({ ...r, org_id: orgId }));
    await trx
      .insertInto(entity)
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'id'])
          .doUpdateSet(Object.fromEntries(updateColumns.map((c) => [c, (eb: any) => eb.ref(`excluded.${c}`)])))
          // Only a row that changed is rewritten (and re-sequenced): a re-sent row stays as it was.
          .where(() => changed(entity, compared)),
      )
      .execute();
  }
}

/** `t.a IS DISTINCT FROM excluded.a OR …` (both databases): the upsert changes something. */
function changed(table: string, columns: readonly string[]) {
  if (columns.length === 0) return sql<boolean>`FALSE`;
  return sql<boolean>`(${sql.join(columns.map((c) => sql`${sql.ref(`${table}.${c}`)} IS DISTINCT FROM ${sql.ref(`excluded.${c}`)}`), sql` OR `)})`;
}

/** Rows per bulk statement: bounds one statement's memory on both ends of the connection. */
const BULK_CHUNK = 50_000;

function hasDuplicateIds(rows: readonly unknown[]): boolean {
  const seen = new Set<string>();
  for (const r of rows) {
    const id = (r as { id: string }).id;
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** Validates then upserts a whole batch: all-or-nothing. */
export async function ingestBatch(store: Store, orgId: string, entity: EntityName, input: readonly unknown[]): Promise<{ entity: EntityName; upserted: number }> {
  const rows = validateBatch(entity, input);
  const upserted = await upsertRows(store, orgId, entity, rows);
  return { entity, upserted };
}
