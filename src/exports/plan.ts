import { getOrg, type Org } from '../auth/accounts.js';
import { actsAsAdmin, type Principal } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import type { ExportParams, ExportRequest } from '../contract/exports.js';
import type { Scope } from '../contract/vocabulary.js';
import { getDataset, resolveFields } from '../datasets/catalogue.js';
import { resolveRange } from '../datasets/time.js';
import type { Dataset, DatasetQuery, FieldDef, FilterName } from '../datasets/types.js';
import type { Store } from '../db/database.js';
import { Forbidden, Invalid, NoData, RowLimitExceeded, Unprocessable } from '../errors.js';
import { checkOutboundUrl } from '../outbound/index.js';
import { checkCompression } from './compression.js';
import { pseudonymKey } from './query.js';
import { checkReferences } from './references.js';

/**
 * What a surface asks of the engine beyond the request itself: its vendor's rules, typed. The engine
 * enforces them with typed errors; adapters only choose them.
 */
export interface PlanPolicy {
  /** The vendor's own row limit (Langdock: 1,000,000); the lower of this and the server's applies. */
  readonly rowLimit?: number;
  /** An export that would have no rows is refused with NoData (Langdock's 404 "No data found"). */
  readonly emptyIsNotFound?: boolean;
  /** Organization exports of team-scoped datasets must name a team selection (Gumloop's wizard rule). */
  readonly requireTeamSelection?: boolean;
  /** With user-level data off, columns that would be empty are left out of the file (Langdock) instead of emptied. */
  readonly omitHiddenColumns?: boolean;
  /** Skip the row count (paged surfaces count their own way). */
  readonly skipEstimate?: boolean;
}

/** A request resolved once against its dataset, the caller and the org: everything the engine needs. */
export interface ResolvedPlan {
  readonly dataset: Dataset;
  readonly scope: Scope;
  readonly fields: readonly FieldDef[];
  readonly org: Org;
  /** The dataset query, with the org's privacy context. */
  readonly query: DatasetQuery;
  /** What is stored with the export (one date form: ISO instants, both inclusive). */
  readonly params: ExportParams;
  /** Rows the export would have now (null when the policy skipped counting). */
  readonly estimate: number | null;
}

export interface PlanDeps {
  readonly store: Store;
  readonly config: Config;
}

const FILTER_KEYS: Record<FilterName, keyof ExportRequest> = {
  workspace_ids: 'workspace_ids',
  include_personal_workspaces: 'include_personal_workspaces',
  entity_ids: 'entity_ids',
  category: 'category',
  permission_group_ids: 'permission_group_ids',
  group_by: 'group_by',
};

/**
 * Turns (caller, request, policy) into a resolved plan, reading the org once and counting once:
 * dataset and fields exist, filters are ones the dataset takes, the scope is allowed for the caller,
 * the range is sound, the policy holds. Throws typed 4xx errors naming the problem.
 * @example const plan = await resolvePlan(deps, principal, request, { rowLimit: 1_000_000 });
 */
export async function resolvePlan(deps: PlanDeps, p: Principal, req: ExportRequest, policy: PlanPolicy = {}, now = Date.now()): Promise<ResolvedPlan> {
  const dataset = getDataset(req.dataset);
  const scope = resolveScope(p, dataset, req);
  checkFilters(dataset, scope, req, policy);
  if (req.webhook_url !== undefined) checkOutboundUrl(req.webhook_url, deps.config.outboundAllowlist, 'webhook_url');
  checkCompression(req.format, req.compression);

  const org = await getOrg(deps.store, p.orgId);
  const hideColumns = policy.omitHiddenColumns && !org.userLevelData && !req.fields;
  const fields = resolveFields(dataset, req.fields, req.group_by).filter((f) => !hideColumns || !(f.pii && !f.pseudonym));
  // No `from` means from the beginning of the data; no `to` means up to now.
  const range = resolveRange({ from: req.from ?? '1970-01-01T00:00:00Z', to: req.to ?? new Date(now).toISOString(), timezone: req.timezone });
  if (range.from >= now && dataset.kind !== 'document') throw new Invalid('from is in the future: there is nothing to export yet', { field: 'from' });
  const rowLimit = Math.min(deps.config.exportRowLimit, policy.rowLimit ?? Infinity);

  const params: ExportParams = {
    fields: fields.map((f) => f.name),
    from: new Date(range.from).toISOString(),
    to: new Date(range.to - 1).toISOString(),
    timezone: req.timezone,
    // "All workspaces" is no team filter at all.
    workspace_ids: req.all_workspaces ? null : (req.workspace_ids ?? null),
    include_personal_workspaces: req.all_workspaces ? null : (req.include_personal_workspaces ?? null),
    entity_ids: req.entity_ids ?? null,
    category: req.category ?? null,
    permission_group_ids: req.permission_group_ids ?? null,
    group_by: req.group_by ?? null,
    csv_bom: req.csv_bom,
    neutralize_formulas: req.neutralize_formulas,
    row_limit: rowLimit,
  };
  await checkReferences(deps.store, p.orgId, params);
  const query = toDatasetQuery({ orgId: p.orgId, userId: p.userId, scope }, params, org, deps.config.secret);
  const estimate = policy.skipEstimate ? null : await dataset.count(deps.store, query);
  if (estimate !== null && estimate > rowLimit) throw new RowLimitExceeded(estimate, rowLimit);
  if (estimate === 0 && policy.emptyIsNotFound) throw new NoData();
  return { dataset, scope, fields, org, query, params, estimate };
}

/** The scope asked for, or the caller's default; refuses what the caller or the dataset cannot do. */
function resolveScope(p: Principal, dataset: Dataset, req: ExportRequest): Scope {
  const admin = actsAsAdmin(p);
  const teamSelection = req.all_workspaces !== undefined || req.workspace_ids !== undefined || req.include_personal_workspaces !== undefined;
  // A member naming teams asks for an organization export: refuse it rather than narrow it to their own rows.
  const scope: Scope = req.scope ?? (admin || teamSelection ? 'organization' : 'personal');
  if (!dataset.scopes.includes(scope)) {
    throw new Unprocessable(`Dataset ${dataset.name} cannot be exported with ${scope} scope; allowed: ${dataset.scopes.join(', ')}`, { field: 'scope' });
  }
  if (scope === 'organization' && !admin) {
    throw new Forbidden('Organization exports (and team selections) are for admins with an admin-scoped credential; members can export their own rows with personal scope');
  }
  return scope;
}

function checkFilters(dataset: Dataset, scope: Scope, req: ExportRequest, policy: PlanPolicy): void {
  const unsupported = (Object.keys(FILTER_KEYS) as FilterName[]).filter((f) => req[FILTER_KEYS[f]] !== undefined && !dataset.filters.includes(f));
  if (req.all_workspaces !== undefined && !dataset.filters.includes('workspace_ids')) unsupported.unshift('all_workspaces' as FilterName);
  if (unsupported.length) {
    throw new Unprocessable(`Dataset ${dataset.name} does not accept ${unsupported.join(', ')}; it accepts: ${dataset.filters.join(', ') || 'no filters'}`, {
      invalid_filters: unsupported,
      valid_filters: dataset.filters,
    });
  }
  if (req.group_by !== undefined && !dataset.groupBy.includes(req.group_by)) {
    throw new Unprocessable(`group_by '${req.group_by}' is not supported for ${dataset.name}; allowed: ${dataset.groupBy.join(', ') || 'none'}`, { field: 'group_by' });
  }
  const selection = [req.workspace_ids !== undefined, req.include_personal_workspaces !== undefined];
  if (scope === 'personal' && (req.all_workspaces !== undefined || selection.some(Boolean))) {
    throw new Unprocessable('Team selection (all_workspaces, workspace_ids, include_personal_workspaces) applies to organization scope only');
  }
  if (req.all_workspaces && selection.some(Boolean)) {
    throw new Invalid('all_workspaces already includes every workspace: send it alone, or select teams with workspace_ids / include_personal_workspaces');
  }
  const teamScoped = dataset.filters.includes('workspace_ids') && !dataset.orgWide;
  const selected = req.all_workspaces === true || (req.workspace_ids?.length ?? 0) > 0 || req.include_personal_workspaces === true;
  if (policy.requireTeamSelection && scope === 'organization' && teamScoped && !selected) {
    throw new Invalid(`Select the teams to export for ${dataset.name}: workspace_ids, all workspaces, or personal workspaces`);
  }
}

/** The dataset query of stored params, with the org's privacy setting as it is now. */
export function toDatasetQuery(job: { orgId: string; userId: string; scope: Scope }, params: ExportParams, org: Org, secret: string): DatasetQuery {
  return {
    orgId: job.orgId,
    userId: job.userId,
    scope: job.scope,
    from: Date.parse(params.from),
    to: Date.parse(params.to) + 1,
    timezone: params.timezone,
    workspaceIds: params.workspace_ids ?? undefined,
    includePersonalWorkspaces: params.include_personal_workspaces ?? undefined,
    entityIds: params.entity_ids ?? undefined,
    category: params.category ?? undefined,
    permissionGroupIds: params.permission_group_ids ?? undefined,
    groupBy: params.group_by ?? undefined,
    fields: params.fields,
    userLevelData: org.userLevelData,
    pseudonymKey: pseudonymKey(secret, job.orgId),
  };
}
