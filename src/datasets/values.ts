import { sql } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { actsAsAdmin } from '../auth/principal.js';
import type { FilterValue } from '../contract/datasets.js';
import type { Store } from '../db/database.js';
import { Unprocessable } from '../errors.js';
import { CREDIT_LOG_CATEGORIES } from '../exports/references.js';
import { getDataset } from './catalogue.js';
import { sentenceCase } from './labels.js';

/*
 * The valid values of a dataset's filter, for choosers (the console's category dropdown and "only these
 * workflows" picker, the CLI): a request made from them is never refused as unknown and never silently
 * empty. Members get the values of their own rows only, as a personal export would show them.
 */

/** Most values one answer lists (filter lists take at most 1,000 ids). */
export const MAX_VALUES = 1000;

/** What `entity_ids` names per dataset: the table of the entities, and (members) the table of their own rows. */
const ENTITIES: Record<string, { table: string; own: { table: string; ref: string; user: string } }> = {
  workflow_runs: { table: 'workflows', own: { table: 'workflow_runs', ref: 'workflow_id', user: 'user_id' } },
  agent_interactions: { table: 'agents', own: { table: 'agent_interactions', ref: 'agent_id', user: 'user_id' } },
  agents: { table: 'agents', own: { table: 'agents', ref: 'id', user: 'created_by' } },
  llm_logs: { table: 'projects', own: { table: 'projects', ref: 'id', user: 'owner_id' } },
};

/**
 * The values `filter` of `dataset` accepts for this caller, sorted by label; 422 for a filter the dataset
 * does not take or one that has no list here (workspace_ids: GET /v1/workspaces; group_by: GET /v1/datasets).
 * @example await filterValues(store, principal, 'credit_logs', 'category') // [{ value: 'AGENT_RUN', label: 'Agent run' }, …]
 */
export async function filterValues(store: Store, p: Principal, datasetName: string, filter: string): Promise<FilterValue[]> {
  const dataset = getDataset(datasetName);
  if (!(dataset.filters as readonly string[]).includes(filter)) {
    throw new Unprocessable(`Dataset ${dataset.name} does not accept ${filter}; it accepts: ${dataset.filters.join(', ') || 'no filters'}`, { field: 'filter' });
  }
  if (filter === 'category') {
    const rows = await sql<{ v: string }>`select distinct category as v from credit_logs where org_id = ${p.orgId} and category is not null`.execute(store.db);
    const all = new Set<string>([...CREDIT_LOG_CATEGORIES, ...rows.rows.map((r) => String(r.v))]);
    return [...all].map((value) => ({ value, label: sentenceCase(value) })).sort((a, b) => a.label.localeCompare(b.label));
  }
  const entity = filter === 'entity_ids' ? ENTITIES[dataset.name] : undefined;
  if (!entity) throw new Unprocessable(`No list of values for ${filter} of ${dataset.name}: see GET /v1/workspaces for teams and GET /v1/datasets for group_by`, { field: 'filter' });
  const { table, own } = entity;
  // Ids may arrive before the entity they name: a member's own rows list them with the id as the label.
  const rows = actsAsAdmin(p)
    ? await sql<{ value: string; name: string | null }>`select id as value, name from ${sql.table(table)} where org_id = ${p.orgId} order by name, id limit ${MAX_VALUES}`.execute(store.db)
    : await sql<{ value: string; name: string | null }>`
        select distinct o.${sql.ref(own.ref)} as value, e.name as name
        from ${sql.table(own.table)} o
        left join ${sql.table(table)} e on e.org_id = o.org_id and e.id = o.${sql.ref(own.ref)}
        where o.org_id = ${p.orgId} and o.${sql.ref(own.user)} = ${p.userId} and o.${sql.ref(own.ref)} is not null
        order by name, value limit ${MAX_VALUES}`.execute(store.db);
  // Sorted here, not by SQL: the databases order nulls and case differently.
  return rows.rows
    .map((r) => ({ value: String(r.value), label: r.name ? String(r.name) : String(r.value) }))
    .sort((a, b) => a.label.localeCompare(b.label) || a.value.localeCompare(b.value));
}
