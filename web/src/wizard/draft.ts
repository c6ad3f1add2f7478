import type { Me } from '@contract/auth';
import type { Dataset, Workspace } from '@contract/datasets';
import type { Export, ExportRequestInput } from '@contract/exports';
import type { Format, Scope } from '@contract/vocabulary';
import { isAdmin } from '../lib/caller';
import { browserTimezone, presetRange, todayIn, type PresetId, type Ymd } from '../lib/dates';

/** The exact instants of a copied export, and the days and zone they were shown as. */
interface CopiedRange {
  from: string;
  to: string;
  fromDay: Ymd;
  toDay: Ymd;
  timezone: string;
}

/** Everything the wizard collects; turned into a POST /v1/exports body by `toRequest`. */
export interface Draft {
  dataset: string | null;
  scope: Scope;
  preset: PresetId;
  from: Ymd | null;
  to: Ymd | null;
  timezone: string;
  /** null: every team (nothing unticked yet). */
  workspaceIds: string[] | null;
  includePersonal: boolean;
  /** Every workspace, personal ones included, with no team filter (Gumloop's "all workspaces"); cleared by any team change. */
  allWorkspaces: boolean;
  /** "Run again": the copied export's instants, sent as they are while its days and zone are unchanged. */
  copiedRange: CopiedRange | null;
  entityIds: string;
  category: string;
  /** Credit logs' permission groups (no control in the wizard yet: only a copied export sets them). */
  permissionGroupIds: string[];
  groupBy: string;
  fields: string[];
  format: Format;
  gzip: boolean;
  /** Email me when it ends: undefined follows my setting (on unless I turned it off), else this export's own choice. */
  notify: boolean | undefined;
  /** CSV for Excel: the file starts with a UTF-8 byte order mark (sent only for CSV). */
  csvBom: boolean;
  neutralizeFormulas: boolean;
}

export const STEPS = [
  { id: 'type', title: 'Export type' },
  { id: 'dates', title: 'Date range' },
  { id: 'teams', title: 'Teams' },
  { id: 'fields', title: 'Fields' },
  { id: 'review', title: 'Format & review' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export function initialDraft(): Draft {
  const timezone = browserTimezone();
  const { from, to } = presetRange('last_30_days', timezone);
  return {
    dataset: null,
    scope: 'personal',
    preset: 'last_30_days',
    from,
    to,
    timezone,
    workspaceIds: null,
    includePersonal: false,
    allWorkspaces: false,
    copiedRange: null,
    entityIds: '',
    category: '',
    permissionGroupIds: [],
    groupBy: '',
    fields: [],
    format: 'csv',
    gzip: false,
    notify: undefined,
    csvBom: false,
    neutralizeFormulas: true,
  };
}

/** Scopes this person may use for a dataset: members only ever export their own rows. */
export const scopesFor = (d: Dataset, me: Me): Scope[] => d.scopes.filter((s) => s === 'personal' || isAdmin(me));

/** The catalogue as this person may use it. */
export const visibleDatasets = (all: Dataset[], me: Me) => all.filter((d) => scopesFor(d, me).length > 0);

/** Team selection applies to organization-scope exports of datasets that filter by workspace. */
export const teamsApply = (d: Dataset | undefined, scope: Scope) => !!d && scope === 'organization' && !d.org_wide && d.filters.includes('workspace_ids');
export const datesApply = (d: Dataset | undefined) => !!d && d.kind !== 'document';

export type FieldPreset = 'minimal' | 'default' | 'full';
/** Minimal: the default fields without personal data or bulky JSON; Default: the catalogue's; Full: all. */
export function presetFields(d: Dataset, preset: FieldPreset): string[] {
  if (preset === 'full') return d.fields.map((f) => f.name);
  const defaults = d.fields.filter((f) => f.default);
  if (preset === 'default') return defaults.map((f) => f.name);
  const minimal = defaults.filter((f) => !f.pii && f.type !== 'json');
  return (minimal.length ? minimal : defaults.slice(0, 1)).map((f) => f.name);
}

/** Keeps the selection in the catalogue's column order (that is the file's column order). */
export const orderFields = (d: Dataset, names: Iterable<string>) => {
  const set = new Set(names);
  return d.fields.filter((f) => set.has(f.name)).map((f) => f.name);
};

/** Picking another export type resets what depends on it. */
export function withDataset(draft: Draft, d: Dataset, me: Me): Draft {
  if (draft.dataset === d.name) return draft;
  const scopes = scopesFor(d, me);
  return {
    ...draft,
    dataset: d.name,
    scope: scopes.includes('organization') ? 'organization' : 'personal',
    fields: presetFields(d, 'default'),
    workspaceIds: null,
    includePersonal: false,
    allWorkspaces: false,
    entityIds: '',
    category: '',
    permissionGroupIds: [],
    groupBy: '',
  };
}

export function selectedTeams(draft: Draft, teams: Workspace[] | undefined): string[] {
  return draft.workspaceIds ?? (teams ?? []).map((t) => t.id);
}

/** Why the step cannot be left forward yet, or null. */
export function stepIssue(step: StepId, draft: Draft, d: Dataset | undefined, teams: Workspace[] | undefined): string | null {
  switch (step) {
    case 'type':
      return d ? null : 'Choose what to export.';
    case 'dates':
      if (!datesApply(d)) return null;
      if (!draft.from || !draft.to) return 'Enter a start and an end date.';
      if (draft.to < draft.from) return 'End date must be on or after the start date.';
      return draft.from > todayIn(draft.timezone) ? 'The start date is in the future.' : null;
    case 'teams':
      if (!teamsApply(d, draft.scope) || !teams) return null;
      return !draft.allWorkspaces && selectedTeams(draft, teams).length === 0 && !draft.includePersonal ? 'Select at least one team, or include personal spaces.' : null;
    case 'fields':
      return draft.fields.length ? null : 'Select at least one field.';
    case 'review':
      return null;
  }
}

/** Only a CSV file starts with a byte order mark (Excel needs it to read UTF-8; XLSX opens in Excel as it is). */
export function bomApplies(format: Format): boolean {
  return format === 'csv';
}

/** Parquet and XLSX files are compressed inside already; the server refuses gzip for them. */
export function gzipApplies(format: Format): boolean {
  return format !== 'parquet' && format !== 'xlsx';
}

/** The POST /v1/exports body: only the filters the dataset accepts are sent. */
export function toRequest(draft: Draft, d: Dataset, me: Me, teams: Workspace[] | undefined): ExportRequestInput {
  const body: ExportRequestInput = {
    dataset: d.name,
    scope: draft.scope,
    format: draft.format,
    compression: draft.gzip && gzipApplies(draft.format) ? 'gzip' : 'none',
    // Already in file order: the fields step keeps the catalogue's order, a copy keeps the original's.
    fields: draft.fields,
    timezone: draft.timezone,
    csv_bom: draft.csvBom && bomApplies(draft.format),
    neutralize_formulas: draft.neutralizeFormulas,
    source: 'console',
  };
  if (datesApply(d) && draft.from && draft.to) {
    const copied = draft.copiedRange;
    const unchanged = copied && copied.fromDay === draft.from && copied.toDay === draft.to && copied.timezone === draft.timezone;
    // Days are whole days in the zone; a copy's instants may be narrower (a vendor's or the API's), so they go back as they are.
    body.from = unchanged ? copied.from : draft.from;
    body.to = unchanged ? copied.to : draft.to;
  }
  if (teamsApply(d, draft.scope)) {
    if (draft.allWorkspaces) body.all_workspaces = true;
    else {
      body.workspace_ids = selectedTeams(draft, teams);
      if (d.filters.includes('include_personal_workspaces')) body.include_personal_workspaces = draft.includePersonal;
    }
  }
  const ids = draft.entityIds.split(/[\s,]+/).filter(Boolean);
  if (ids.length && d.filters.includes('entity_ids')) body.entity_ids = ids;
  if (draft.category.trim() && d.filters.includes('category')) body.category = draft.category.trim();
  if (draft.permissionGroupIds.length && d.filters.includes('permission_group_ids')) body.permission_group_ids = draft.permissionGroupIds;
  if (draft.groupBy && d.filters.includes('group_by')) body.group_by = draft.groupBy;
  // Unset: the server applies my setting (console exports email their creator by default); off: no email at all.
  if (draft.notify !== undefined) body.notify_email = draft.notify ? me.user.email : null;
  return body;
}

/**
 * "Run again": the same request as a past export — its scope, instants and zone, team selection (an
 * export with no team filter is "all workspaces"), filters, fields in their order, format and options.
 */
export function fromExport(e: Export, d: Dataset | undefined, me: Me): Draft {
  const base = initialDraft();
  const p = e.params;
  const scopes = d ? scopesFor(d, me) : [];
  const scope = scopes.includes(e.scope) ? e.scope : (scopes[0] ?? 'personal');
  const fromDay = todayIn(p.timezone, new Date(p.from));
  const toDay = todayIn(p.timezone, new Date(p.to));
  // No team listed and no personal spaces is no team filter at all: every row, even of workspaces not known yet.
  const noTeamFilter = !p.workspace_ids?.length && !p.include_personal_workspaces;
  return {
    ...base,
    dataset: e.dataset,
    scope,
    preset: 'custom',
    from: fromDay,
    to: toDay,
    timezone: p.timezone,
    copiedRange: { from: p.from, to: p.to, fromDay, toDay, timezone: p.timezone },
    allWorkspaces: scope === 'organization' && noTeamFilter,
    // Personal spaces alone (no team list) is an empty team selection plus personal spaces.
    workspaceIds: p.workspace_ids ?? (p.include_personal_workspaces ? [] : null),
    includePersonal: !!p.include_personal_workspaces,
    entityIds: (p.entity_ids ?? []).join(', '),
    category: p.category ?? '',
    permissionGroupIds: p.permission_group_ids ?? [],
    groupBy: p.group_by ?? '',
    fields: p.fields,
    format: e.format,
    gzip: e.compression === 'gzip',
    notify: e.notify_email === me.user.email ? true : e.notify_email === null ? false : undefined,
    csvBom: p.csv_bom,
    neutralizeFormulas: p.neutralize_formulas,
  };
}
