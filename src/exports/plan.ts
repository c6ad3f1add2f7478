import { actsAsAdmin, requireScope, type Principal } from '../auth/principal.js';
import { getDataset, resolveFields } from '../datasets/catalogue.js';
import { resolveRange } from '../datasets/time.js';
import type { Dataset, FilterName, Scope } from '../datasets/types.js';
import { Forbidden, Invalid, Unprocessable } from '../errors.js';
import { checkCompression } from './compression.js';
import type { ExportParams, ExportRequest } from './request.js';

/** A request checked against its dataset and the caller: ready to queue. */
export interface ExportPlan {
  dataset: Dataset;
  scope: Scope;
  params: ExportParams;
}

const FILTER_KEYS: Record<FilterName, keyof ExportRequest> = {
  workspace_ids: 'workspace_ids',
  include_personal_workspaces: 'include_personal_workspaces',
  entity_ids: 'entity_ids',
  category: 'category',
  group_by: 'group_by',
};

/**
 * Validates a request: dataset and fields exist, filters are ones the dataset takes, the scope is
 * allowed for the caller's role, and the range is sound. Throws 4xx errors naming the problem.
 */
export function planExport(principal: Principal, req: ExportRequest, now = Date.now()): ExportPlan {
  const dataset = getDataset(req.dataset);
  const admin = actsAsAdmin(principal);
  const scope: Scope = req.scope ?? (admin && dataset.scopes.includes('organization') ? 'organization' : 'personal');
  if (!dataset.scopes.includes(scope)) {
    throw new Unprocessable(`Dataset ${dataset.name} cannot be exported with ${scope} scope; allowed: ${dataset.scopes.join(', ')}`);
  }
  if (scope === 'organization' && !admin) throw new Forbidden('Organization scope is for admins; members can export with personal scope');
  requireScope(principal, 'export');
  checkCompression(req.format, req.compression);

  const unsupported = (Object.keys(FILTER_KEYS) as FilterName[]).filter((f) => req[FILTER_KEYS[f]] !== undefined && !dataset.filters.includes(f));
  if (unsupported.length) {
    throw new Unprocessable(
      `Dataset ${dataset.name} does not accept ${unsupported.join(', ')}; it accepts: ${dataset.filters.join(', ') || 'no filters'}`,
      { invalid_filters: unsupported, valid_filters: dataset.filters },
    );
  }
  if (req.group_by !== undefined && !dataset.groupBy.includes(req.group_by)) {
    throw new Unprocessable(`group_by '${req.group_by}' is not supported for ${dataset.name}; allowed: ${dataset.groupBy.join(', ') || 'none'}`);
  }
  if (scope === 'personal' && (req.workspace_ids !== undefined || req.include_personal_workspaces !== undefined)) {
    throw new Unprocessable('Team selection (workspace_ids, include_personal_workspaces) applies to organization scope only');
  }
  const fields = resolveFields(dataset, req.fields, req.group_by).map((f) => f.name);
  // No `from` means from the beginning of the data; no `to` means up to now.
  const range = resolveRange({ from: req.from ?? '1970-01-01T00:00:00Z', to: req.to ?? new Date(now).toISOString(), timezone: req.timezone });
  if (range.from >= now && dataset.kind !== 'document') throw new Invalid('from is in the future: there is nothing to export yet');

  return {
    dataset,
    scope,
    params: {
      fields,
      from: req.from ?? null,
      to: req.to ?? null,
      timezone: req.timezone,
      range,
      workspace_ids: req.workspace_ids ?? null,
      include_personal_workspaces: req.include_personal_workspaces ?? null,
      entity_ids: req.entity_ids ?? null,
      category: req.category ?? null,
      group_by: req.group_by ?? null,
      csv_bom: req.csv_bom,
      neutralize_formulas: req.neutralize_formulas,
    },
  };
}
