import { sql } from 'kysely';
import type { Store } from '../db/database.js';
import { Unprocessable } from '../errors.js';
import type { ExportParams } from '../contract/exports.js';

/*
 * The half of validation that needs the database (issue 11: honoured exactly or refused, never silently
 * emptied): the workspaces, permission groups and credit-log category a request names must be ones the
 * org knows, else 422 naming them and listing what is valid. A category matches case-insensitively
 * (Gumloop's clients send `agent_run` for `AGENT_RUN`) and is stored in its canonical spelling.
 */

/** Credit-log categories every org may filter on, whether or not it has entries of them yet. */
export const CREDIT_LOG_CATEGORIES = ['PIPELINE_RUN', 'AGENT_RUN', 'PURCHASE', 'REFUND', 'ADJUSTMENT', 'SUBSCRIPTION'] as const;

/** Values of `column` in the org's rows of `tables`, distinct (ids may be referenced before they are ingested). */
async function known(store: Store, orgId: string, refs: readonly [table: string, column: string][]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [table, column] of refs) {
    const rows = await sql<{ v: string | null }>`select distinct ${sql.ref(column)} as v from ${sql.table(table)} where org_id = ${orgId}`.execute(store.db);
    for (const r of rows.rows) if (r.v !== null) out.add(String(r.v));
  }
  return out;
}

function refuse(what: string, field: string, unknown: string[], valid: Iterable<string>): never {
  const list = [...valid].sort();
  throw new Unprocessable(`Unknown ${what}: ${unknown.join(', ')}; valid ${what}: ${list.join(', ') || 'none yet'}`, {
    field,
    [`invalid_${field}`]: unknown,
    [`valid_${field}`]: list,
  });
}

/**
 * Checks a plan's references against the org's data and canonicalizes its category, in place.
 * @example await checkReferences(store, principal.orgId, params);
 */
export async function checkReferences(store: Store, orgId: string, p: ExportParams): Promise<void> {
  if (p.workspace_ids?.length) {
    const ws = await known(store, orgId, [['workspaces', 'id'], ['workflows', 'workspace_id'], ['agents', 'workspace_id']]);
    const unknown = p.workspace_ids.filter((id) => !ws.has(id));
    if (unknown.length) refuse('workspace_ids', 'workspace_ids', unknown, ws);
  }
  if (p.permission_group_ids?.length) {
    const groups = await known(store, orgId, [['users', 'permission_group_id'], ['credit_logs', 'permission_group_id']]);
    const unknown = p.permission_group_ids.filter((id) => !groups.has(id));
    if (unknown.length) refuse('permission groups', 'permission_group_ids', unknown, groups);
  }
  if (p.category !== null) {
    const categories = new Set<string>([...CREDIT_LOG_CATEGORIES, ...(await known(store, orgId, [['credit_logs', 'category']]))]);
    const exact = categories.has(p.category) ? p.category : [...categories].find((c) => c.toLowerCase() === p.category!.toLowerCase());
    if (exact === undefined) refuse('categories', 'category', [p.category], categories);
    p.category = exact;
  }
}
