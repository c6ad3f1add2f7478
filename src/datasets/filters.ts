import type { SelectQueryBuilder } from 'kysely';
import type { DatasetQuery } from './types.js';

/*
 * The WHERE clauses datasets share. Each takes column references so one implementation serves every
 * table layout; they are typed loosely because the references are chosen per dataset at runtime.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQuery = SelectQueryBuilder<any, any, any>;

/** Keeps rows whose creation time is in `[from, to)`. */
export function whereRange(qb: AnyQuery, ref: string, q: Pick<DatasetQuery, 'from' | 'to'>): AnyQuery {
  return qb.where(ref, '>=', q.from).where(ref, '<', q.to);
}

/** Keeps rows whose `ref` is one of `ids`; no list (or an empty one) keeps everything. */
export function whereIn(qb: AnyQuery, ref: string, ids: readonly string[] | undefined): AnyQuery {
  return ids && ids.length > 0 ? qb.where(ref, 'in', [...ids]) : qb;
}

/** Personal scope: only rows the caller created or ran (`ref` names that user column). */
export function wherePersonal(qb: AnyQuery, ref: string, q: Pick<DatasetQuery, 'scope' | 'userId'>): AnyQuery {
  return q.scope === 'personal' ? qb.where(ref, '=', q.userId) : qb;
}

/**
 * Gumloop's team selection. The selections are a union: the listed workspaces plus, when asked, every
 * personal workspace. With no selection at all every row is kept, including rows whose workspace is not
 * known yet (a run that arrived before its workflow) — nothing was excluded, so nothing is lost.
 */
export function whereTeams(
  qb: AnyQuery,
  refs: { workspaceId: string; workspaceKind: string },
  q: Pick<DatasetQuery, 'workspaceIds' | 'includePersonalWorkspaces'>,
): AnyQuery {
  const ids = q.workspaceIds && q.workspaceIds.length > 0 ? [...q.workspaceIds] : null;
  const personal = q.includePersonalWorkspaces === true;
  if (!ids && !personal) return qb;
  return qb.where((eb) => {
    const terms = [];
    if (ids) terms.push(eb(refs.workspaceId, 'in', ids));
    if (personal) terms.push(eb(refs.workspaceKind, '=', 'personal'));
    return eb.or(terms);
  });
}
