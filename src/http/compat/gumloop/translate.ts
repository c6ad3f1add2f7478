import type { Principal } from '../../../auth/principal.js';
import { ExportRequestSchema, type ExportParams, type ExportRequest } from '../../../contract/exports.js';
import { Forbidden, Invalid } from '../../../errors.js';
import type { ExportRow } from '../../../exports/model.js';
import type { PlanPolicy } from '../../../exports/plan.js';
import { GUMLOOP_DATA_TYPES, type ExportDataBody, type GumloopDataType, type GumloopState } from './schemas.js';

/*
 * Gumloop request ↔ Sluice export. Everything here is vocabulary; validation, scoping, privacy and
 * the run itself are the engine's.
 */

/**
 * Gumloop names a user twice (`user_id` in the request, optionally `x-auth-key`); both must be the key's own user.
 * @example assertSameUser(principal, req.body.user_id, req.headers['x-auth-key']);
 */
export function assertSameUser(p: Principal, userId: string, authKeyHeader: string | string[] | undefined): void {
  const header = Array.isArray(authKeyHeader) ? authKeyHeader[0] : authKeyHeader;
  if (userId !== p.userId || (header !== undefined && header !== '' && header !== p.userId)) {
    throw new Forbidden('user_id must be the user this API key belongs to');
  }
}

/** `01/31/2024` (the console's MM/DD/YYYY) → `2024-01-31`; anything else is passed on for the engine to parse. */
function normalizeDate(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const us = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value.trim());
  return us ? `${us[3]}-${us[1]}-${us[2]}` : value;
}

/** Gumloop's wizard rule, as engine policy: organization exports of team-scoped data name their teams. */
export const GUMLOOP_POLICY: PlanPolicy = { requireTeamSelection: true };

/**
 * Translates `POST /api/v1/export_data` into the native request. Dates without an offset are UTC.
 * Credit logs are org-wide: team selection and entity ids do not apply to them and are ignored.
 * "All workspaces" wins over any other selection, as in Gumloop's wizard.
 */
export function toExportRequest(body: ExportDataBody): ExportRequest {
  const dataType: GumloopDataType = body.data_type ?? 'workflows';
  const creditLogs = dataType === 'credit_logs';
  const workspaceIds = body.workspace_ids && body.workspace_ids.length > 0 ? body.workspace_ids : undefined;
  const all = body.include_all_workspaces === true;
  const personalSpaces = body.include_personal_workspaces === true;
  if (!creditLogs && body.category_filter) throw new Invalid('category_filter applies to credit_logs exports only');
  const groups = permissionGroups(body, creditLogs);

  return ExportRequestSchema.parse({
    dataset: GUMLOOP_DATA_TYPES[dataType],
    scope: requestedScope(body),
    format: 'csv',
    fields: body.export_fields ?? undefined,
    from: normalizeDate(body.start_date),
    to: normalizeDate(body.end_date),
    timezone: 'UTC',
    all_workspaces: creditLogs || !all ? undefined : true,
    workspace_ids: creditLogs || all ? undefined : workspaceIds,
    include_personal_workspaces: creditLogs || all || !personalSpaces ? undefined : true,
    entity_ids: creditLogs || !body.entity_ids?.length ? undefined : body.entity_ids,
    category: creditLogs ? (body.category_filter ?? undefined) : undefined,
    permission_group_ids: groups,
    source: 'gumloop',
  });
}

/**
 * The scope the request asks for: `export_scope` or its synonym `export_level` (they must agree). A team
 * selection without either asks for organization data, which the engine refuses members with 403.
 */
function requestedScope(body: ExportDataBody): 'organization' | 'personal' | undefined {
  const scope = body.export_scope ?? undefined;
  const level = body.export_level ?? undefined;
  if (scope !== undefined && level !== undefined && scope !== level) {
    throw new Invalid(`export_scope (${scope}) and export_level (${level}) disagree; send one of them`);
  }
  return scope ?? level;
}

/** `permission_group_filter` (one id or a list) for credit logs; refused for the other data types. */
function permissionGroups(body: ExportDataBody, creditLogs: boolean): string[] | undefined {
  const f = body.permission_group_filter;
  if (f === null || f === undefined) return undefined;
  if (!creditLogs) throw new Invalid('permission_group_filter applies to credit_logs exports only');
  return Array.isArray(f) ? f : [f];
}

/** Sluice status → Gumloop state. A job waiting to retry has started, so it is IN_PROGRESS. */
export function gumloopState(row: Pick<ExportRow, 'status' | 'attempt'>): GumloopState {
  switch (row.status) {
    case 'queued':
      return Number(row.attempt) > 0 ? 'IN_PROGRESS' : 'REQUESTED';
    case 'running':
      return 'IN_PROGRESS';
    case 'completed':
    case 'expired':
      return 'COMPLETED';
    default:
      return 'FAILED';
  }
}

const DATA_TYPE_OF: Record<string, string> = Object.fromEntries(Object.entries(GUMLOOP_DATA_TYPES).map(([k, v]) => [v, k]));
const iso = (ms: number | string | null) => (ms === null ? undefined : new Date(Number(ms)).toISOString());

/** The body of `GET /api/v1/export_status`: `finished_ts` only once the state is terminal. */
export function statusBody(row: ExportRow, params: ExportParams) {
  const state = gumloopState(row);
  const terminal = state === 'COMPLETED' || state === 'FAILED';
  return {
    success: true as const,
    data_export_id: row.id,
    state,
    created_ts: iso(row.created_at)!,
    ...(terminal && row.finished_at !== null ? { finished_ts: iso(row.finished_at) } : {}),
    data_type: DATA_TYPE_OF[row.dataset] ?? row.dataset,
    export_fields: params.fields,
    ...(state === 'COMPLETED' && row.record_count !== null ? { record_count: Number(row.record_count) } : {}),
    ...(row.status === 'expired' ? { expired: true } : {}),
    ...(state === 'FAILED' ? { error: row.error ?? `Export ${row.status}` } : {}),
  };
}
