import { SelectQueryNode, type KyselyPlugin, type OperationNode } from 'kysely';

/*
 * A count needs the joins its filters use, not the ones that only bring columns: every join of a record
 * dataset is a LEFT JOIN on the joined table's primary key, which neither adds nor removes rows. On SQLite
 * the three joins of workflow_runs made counting 1M runs 1.4 s instead of 0.1 s (the estimate every export
 * makes before it is queued).
 */

/** The alias a join's table is known by (`workspaces as ws` → `ws`). */
function aliasOf(join: OperationNode): string | undefined {
  const table = (join as { table?: { kind: string; alias?: { name?: string } } }).table;
  return table?.kind === 'AliasNode' ? table.alias?.name : undefined;
}

/** Whether serialized query parts mention `alias` as a table: a parsed reference or raw SQL `alias.`. */
function mentions(text: string, alias: string): boolean {
  return text.includes(`"name":"${alias}"`) || new RegExp(`\\b${alias}\\.`).test(text);
}

/**
 * Leaves out of a SELECT the LEFT JOINs that nothing else in it refers to (its WHERE, selections, or the
 * joins kept). Only for queries over record datasets' `from`, whose joins all match at most one row.
 */
export const dropUnusedJoins: KyselyPlugin = {
  transformQuery({ node }) {
    if (!SelectQueryNode.is(node) || !node.joins?.length) return node;
    let joins = [...node.joins];
    const rest = JSON.stringify([node.where, node.selections, node.having, node.groupBy]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const join of joins) {
        const alias = aliasOf(join);
        if (!alias || join.joinType !== 'LeftJoin') continue;
        const others = JSON.stringify(joins.filter((j) => j !== join).map((j) => j.on));
        if (!mentions(rest, alias) && !mentions(others, alias)) {
          joins = joins.filter((j) => j !== join);
          changed = true;
        }
      }
    }
    return joins.length === node.joins.length ? node : { ...node, joins: joins.length ? joins : undefined };
  },
  async transformResult({ result }) {
    return result;
  },
};
