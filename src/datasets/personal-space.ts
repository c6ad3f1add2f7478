import { pseudonym, type RowTransform } from './privacy.js';
import type { DatasetQuery, FieldDef } from './types.js';

/*
 * Names that identify a person through their personal workspace (issue 11): "Carlos Patel's workspace",
 * "Carlos's Support Triage". With user-level data off, a personal workspace is named after its owner's
 * pseudonym and the names of things in it are hidden; team workspaces and their contents keep their names,
 * which name teams, not people.
 */

/** Hidden columns a records query adds so the transform can tell a personal row and its owner. */
export const KIND_COLUMN = '__ws_kind';
export const OWNER_COLUMN = '__ws_owner';

/**
 * The label a personal workspace gets when user-level data is off.
 * @example personalWorkspaceLabel(key, 'usr_1') // 'Personal workspace of anon_3f2a…'
 */
export function personalWorkspaceLabel(key: string, ownerUserId: unknown): string {
  return ownerUserId === null || ownerUserId === undefined || ownerUserId === '' ? 'Personal workspace' : `Personal workspace of ${pseudonym(key, String(ownerUserId))}`;
}

/**
 * The in-place transform for fields with `personalSpace`, or null when there is nothing to do. It reads
 * and removes the KIND/OWNER helper columns, which the caller selects whenever this returns a transform.
 */
export function personalSpaceTransform(fields: readonly FieldDef[], query: Pick<DatasetQuery, 'userLevelData' | 'pseudonymKey'>): RowTransform | null {
  if (query.userLevelData) return null;
  const labels = fields.filter((f) => f.personalSpace === 'label').map((f) => f.name);
  const hidden = fields.filter((f) => f.personalSpace === 'hide').map((f) => f.name);
  if (labels.length === 0 && hidden.length === 0) return null;
  return (row) => {
    const personal = row[KIND_COLUMN] === 'personal';
    const owner = row[OWNER_COLUMN];
    delete row[KIND_COLUMN];
    delete row[OWNER_COLUMN];
    if (!personal) return;
    for (const name of labels) row[name] = personalWorkspaceLabel(query.pseudonymKey, owner);
    for (const name of hidden) row[name] = null;
  };
}
