import { sql, type Kysely, type RawBuilder } from 'kysely';
import { takeSequence } from '../db/sequence.js';
import type { EntityName } from './entities.js';

/*
 * A drain's filters read some columns through joins: a run's team is its workflow's workspace, an
 * interaction's its agent's, and "personal workspaces" is the workspace's kind. A drain reads rows by
 * change sequence after its cursor, so a row whose parent arrives (or moves) after the drain went past
 * the row's sequence would never be read again: a run ingested before its workflow was silently skipped
 * by every team-filtered drain. So when a parent arrives, or a column a filter reads changes, the rows
 * that see it through the join get new sequence numbers in the same transaction, as an upserted row does
 * (what they export changed too: their team, workflow name, …). An unchanged re-sent parent changes nothing.
 *
 * Finding those rows must not cost every ingest an index on the large tables (an index on
 * workflow_runs(org_id, workflow_id) took a third of run-ingest throughput on both databases). So a row
 * whose chain is broken when it is ingested (its workflow, or that workflow's workspace, not known yet)
 * is written down in `sequence_orphans`, found by a primary-key lookup of the batch's parents; when the
 * parent arrives those rows are re-sequenced by key. Only a parent that moves (a workflow to another
 * workspace, a workspace becoming personal) has no such list: its rows are found by a scan, which is rare.
 *
 * Ordering: a parent's ingest locks each child stream's counter (takeSequence) before it reads the list
 * or scans, and a child's ingest holds that lock from before it looks its parents up until it commits.
 * So either the child's lookup sees the committed parent, or the parent's ingest sees the child's entry;
 * and the new numbers are above every number a reader could have seen (commit order, as takeSequence).
 * Counters are always locked in one order (agents, agent_interactions, workflow_runs): no two ingests
 * wait on each other in a cycle.
 */

type Child = 'agents' | 'agent_interactions' | 'workflow_runs';
type Parent = 'workflows' | 'agents' | 'workspaces';

/** A child's parent by `column`; a parent other than a workspace leads on to its workspace by workspace_id. */
const CHAINS: Readonly<Record<Child, { readonly column: string; readonly parent: Parent }>> = {
  workflow_runs: { column: 'workflow_id', parent: 'workflows' },
  agent_interactions: { column: 'agent_id', parent: 'agents' },
  agents: { column: 'workspace_id', parent: 'workspaces' },
};

/** Per parent: the columns drain filters read, and the children that read it, in lock order. */
const PARENTS: Readonly<Record<Parent, { readonly columns: readonly string[]; readonly children: readonly Child[] }>> = {
  // workspace_ids: a run's workflow's workspace, an interaction's agent's workspace.
  workflows: { columns: ['workspace_id'], children: ['workflow_runs'] },
  agents: { columns: ['workspace_id'], children: ['agent_interactions'] },
  // include_personal_workspaces: the kind of that workspace.
  workspaces: { columns: ['kind'], children: ['agents', 'agent_interactions', 'workflow_runs'] },
};

export const isChild = (entity: EntityName): entity is Child => Object.hasOwn(CHAINS, entity);
export const isParent = (entity: EntityName): entity is Parent => Object.hasOwn(PARENTS, entity);

/** Ids per statement: far below either database's parameter limit. */
const CHUNK = 5_000;
const chunks = <T>(list: readonly T[], size = CHUNK): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));

/** A parent row's filter columns as text, by id: what must not change without re-sequencing its children. */
export type FilterState = Map<string, string>;

/**
 * The filter columns of the given parent rows as stored now (in the caller's transaction). With `lock`
 * (databases with row locks) the rows stay locked until commit, so a concurrent ingest of the same
 * parents cannot change them between this read and the upsert (SQLite serializes writers anyway).
 */
export async function filterState(trx: Kysely<any>, orgId: string, parent: Parent, ids: readonly string[], lock: boolean): Promise<FilterState> {
  const { columns } = PARENTS[parent];
  const out: FilterState = new Map();
  for (const part of chunks(ids)) {
    const q = trx.selectFrom(parent).select(['id', ...columns]).where('org_id', '=', orgId).where('id', 'in', part).orderBy('id');
    for (const r of await (lock ? q.forUpdate() : q).execute()) out.set(r.id as string, JSON.stringify(columns.map((c) => r[c] ?? null)));
  }
  return out;
}

/** For each child row whose chain is broken, the first missing row: `[parent table, parent id]`. */
async function brokenChains(trx: Kysely<any>, orgId: string, child: Child, rows: readonly Record<string, unknown>[]): Promise<Map<string, [Parent, string]>> {
  const { column, parent } = CHAINS[child];
  const refs = [...new Set(rows.map((r) => r[column]).filter((v): v is string => typeof v === 'string'))];
  // Parent id → the id of its workspace when that workspace is missing, else null.
  const known = new Map<string, string | null>();
  for (const part of chunks(refs)) {
    if (parent === 'workspaces') {
      for (const r of await trx.selectFrom('workspaces').select('id').where('org_id', '=', orgId).where('id', 'in', part).execute()) known.set(r.id, null);
    } else {
      const found = await trx
        .selectFrom(`${parent} as p`)
        .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'p.org_id').onRef('ws.id', '=', 'p.workspace_id'))
        .select(['p.id as id', 'p.workspace_id as workspace_id', 'ws.id as ws'])
        .where('p.org_id', '=', orgId)
        .where('p.id', 'in', part)
        .execute();
      for (const r of found) known.set(r.id, r.ws === null && r.workspace_id !== null ? r.workspace_id : null);
    }
  }
  const out = new Map<string, [Parent, string]>();
  for (const r of rows) {
    const ref = r[column];
    if (typeof ref !== 'string') continue;
    const missingWorkspace = known.get(ref);
    if (missingWorkspace === undefined) out.set(r.id as string, [parent, ref]);
    else if (missingWorkspace !== null) out.set(r.id as string, ['workspaces', missingWorkspace]);
  }
  return out;
}

/** Writes down what each child waits for (replacing what it waited for before). */
async function saveOrphans(trx: Kysely<any>, orgId: string, child: Child, broken: Map<string, [Parent, string]>): Promise<void> {
  const rows = [...broken].map(([id, [parent, parentId]]) => ({ org_id: orgId, child_table: child, child_id: id, parent_table: parent, parent_id: parentId }));
  for (const part of chunks(rows, 1_000)) {
    await trx
      .insertInto('sequence_orphans')
      .values(part)
      .onConflict((oc) => oc.columns(['org_id', 'child_table', 'child_id']).doUpdateSet({ parent_table: sql.ref('excluded.parent_table'), parent_id: sql.ref('excluded.parent_id') }))
      .execute();
  }
}

/**
 * After child rows are written (their stream's counter locked since before): the ones whose parent or
 * parent's workspace is not known yet are written down, to be re-sequenced when it arrives.
 * @example await noteOrphans(trx, orgId, 'workflow_runs', rows);
 */
export async function noteOrphans(trx: Kysely<any>, orgId: string, child: Child, rows: readonly Record<string, unknown>[]): Promise<void> {
  const broken = await brokenChains(trx, orgId, child, rows);
  if (broken.size > 0) await saveOrphans(trx, orgId, child, broken);
}

/** SQL over a child table aliased `c`: its rows that read any of `ids` of `parent` (directly, or through their workflow or agent). */
function readsParent(child: Child, parent: Parent, orgId: string, ids: readonly string[]): RawBuilder<boolean> {
  const { column, parent: direct } = CHAINS[child];
  const list = sql.join(ids.map((id) => sql`${id}`));
  const ref = sql.ref(`c.${column}`);
  if (direct === parent) return sql<boolean>`${ref} IN (${list})`;
  return sql<boolean>`${ref} IN (SELECT v.id FROM ${sql.table(direct)} v WHERE v.org_id = ${orgId} AND v.workspace_id IN (${list}))`;
}

/**
 * Gives the child rows `rows` selects (SQL of `c.id`, `c.seq` over the child aliased `c`) the next
 * numbers of their stream, in their previous order. The caller holds the stream's counter lock.
 */
async function resequence(trx: Kysely<any>, orgId: string, child: Child, rows: RawBuilder<unknown>): Promise<void> {
  const base = (await takeSequence(trx, orgId, child, 0)) - 1;
  const t = sql.table(child);
  const res = await sql`
    UPDATE ${t} SET seq = numbered.n
      FROM (SELECT id, ${base} + row_number() OVER (ORDER BY seq, id) AS n FROM (${rows}) chosen) numbered
     WHERE ${sql.ref(`${child}.org_id`)} = ${orgId} AND ${sql.ref(`${child}.id`)} = numbered.id`.execute(trx);
  const n = Number(res.numAffectedRows ?? 0n);
  if (n > 0) await takeSequence(trx, orgId, child, n);
}

/** Of workflows or agents, the ids whose workspace is not known (read after the caller's counter lock). */
async function inMissingWorkspace(trx: Kysely<any>, orgId: string, parent: 'workflows' | 'agents', ids: readonly string[]): Promise<string[]> {
  const rows = await trx
    .selectFrom(`${parent} as p`)
    .leftJoin('workspaces as ws', (j) => j.onRef('ws.org_id', '=', 'p.org_id').onRef('ws.id', '=', 'p.workspace_id'))
    .select('p.id as id')
    .where('p.org_id', '=', orgId)
    .where('p.id', 'in', ids)
    .where('ws.id', 'is', null)
    .execute();
  return rows.map((r) => r.id as string);
}

/**
 * After parent rows are written: the rows that read the ones that arrived (`before` lacks them; found
 * in `sequence_orphans`) or whose filter columns changed (found by a scan) get new sequence numbers.
 * A workflow or agent that arrived, or moved, into a workspace not known yet leaves its rows waiting
 * for that workspace. Set-based: a parent with a million waiting runs is a few statements.
 * @example await settleChildren(trx, orgId, 'workflows', before, await filterState(trx, orgId, 'workflows', ids, false));
 */
export async function settleChildren(trx: Kysely<any>, orgId: string, parent: Parent, before: FilterState, after: FilterState): Promise<void> {
  const arrived = [...after.keys()].filter((id) => !before.has(id));
  const moved = [...after.keys()].filter((id) => before.has(id) && before.get(id) !== after.get(id));
  if (arrived.length === 0 && moved.length === 0) return;
  for (const child of PARENTS[parent].children) {
    // The lock first: no row of this stream commits between the choice below and the new numbers.
    await takeSequence(trx, orgId, child, 0);
    const t = sql.table(child);
    for (const part of chunks(arrived)) {
      const waiting = sql`SELECT c.id, c.seq FROM ${t} c JOIN sequence_orphans o ON o.org_id = c.org_id AND o.child_table = ${child} AND o.child_id = c.id
        WHERE o.org_id = ${orgId} AND o.parent_table = ${parent} AND o.parent_id IN (${sql.join(part.map((id) => sql`${id}`))})`;
      await resequence(trx, orgId, child, waiting);
      const orphans = () => trx.updateTable('sequence_orphans').where('org_id', '=', orgId).where('child_table', '=', child).where('parent_table', '=', parent);
      if (parent !== 'workspaces') {
        // Still broken one link further: wait for the workspace now.
        const stillBroken = await inMissingWorkspace(trx, orgId, parent, part);
        if (stillBroken.length > 0) {
          await orphans()
            .set({ parent_table: 'workspaces', parent_id: sql`(SELECT p.workspace_id FROM ${sql.table(parent)} p WHERE p.org_id = ${orgId} AND p.id = sequence_orphans.parent_id)` })
            .where('parent_id', 'in', stillBroken)
            .execute();
        }
      }
      await trx.deleteFrom('sequence_orphans').where('org_id', '=', orgId).where('child_table', '=', child).where('parent_table', '=', parent).where('parent_id', 'in', part).execute();
    }
    // A parent that moved has no list of its rows: a scan (moves are rare).
    for (const part of chunks(moved)) {
      await resequence(trx, orgId, child, sql`SELECT c.id, c.seq FROM ${t} c WHERE c.org_id = ${orgId} AND ${readsParent(child, parent, orgId, part)}`);
      if (parent === 'workspaces') continue;
      const intoUnknown = await inMissingWorkspace(trx, orgId, parent, part);
      if (intoUnknown.length === 0) continue;
      const { column } = CHAINS[child];
      await sql`
        INSERT INTO sequence_orphans (org_id, child_table, child_id, parent_table, parent_id)
        SELECT c.org_id, ${child}, c.id, 'workspaces', p.workspace_id FROM ${t} c JOIN ${sql.table(parent)} p ON p.org_id = c.org_id AND p.id = ${sql.ref(`c.${column}`)}
         WHERE c.org_id = ${orgId} AND p.id IN (${sql.join(intoUnknown.map((id) => sql`${id}`))})
        ON CONFLICT (org_id, child_table, child_id) DO UPDATE SET parent_table = excluded.parent_table, parent_id = excluded.parent_id`.execute(trx);
    }
  }
}
