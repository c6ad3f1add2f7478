import type { Org } from '../auth/accounts.js';
import { hmacHex } from '../auth/crypto.js';
import type { DatasetQuery, Scope } from '../datasets/types.js';
import type { ExportParams } from './request.js';

/** The per-org key for stable pseudonyms: derived, so it needs no storage and never leaves the server. */
export function pseudonymKey(secret: string, orgId: string): string {
  return hmacHex(secret, `pseudonym:${orgId}`);
}

/** Turns a stored export's params into the dataset query, applying the org's privacy setting as it is now. */
export function toDatasetQuery(job: { org_id: string; user_id: string; scope: string }, params: ExportParams, org: Org, secret: string): DatasetQuery {
  return {
    orgId: job.org_id,
    userId: job.user_id,
    scope: job.scope as Scope,
    from: params.range.from,
    to: params.range.to,
    timezone: params.timezone,
    workspaceIds: params.workspace_ids ?? undefined,
    includePersonalWorkspaces: params.include_personal_workspaces ?? undefined,
    entityIds: params.entity_ids ?? undefined,
    category: params.category ?? undefined,
    permissionGroupIds: params.permission_group_ids ?? undefined,
    groupBy: params.group_by ?? undefined,
    fields: params.fields,
    userLevelData: org.userLevelData,
    pseudonymKey: pseudonymKey(secret, job.org_id),
  };
}
