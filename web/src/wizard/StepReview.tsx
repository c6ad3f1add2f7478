import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Me } from '@contract/auth';
import type { Dataset, Workspace } from '@contract/datasets';
import type { Estimate } from '@contract/exports';
import type { Format } from '@contract/vocabulary';
import { api, messageOf } from '../api/client';
import { useFilterValues } from '../api/filter-values';
import { usePreferences } from '../api/queries';
import { Notice } from '../components/Notice';
import { toUs } from '../lib/dates';
import { href } from '../lib/router';
import { formatNumber } from '../lib/format';
import { bomApplies, datesApply, gzipApplies, selectedTeams, teamsApply, toRequest, type Draft } from './draft';
import { fieldNames } from './labels';

interface Props {
  me: Me;
  dataset: Dataset;
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
  teams: Workspace[] | undefined;
  copiedFrom: string | null;
}

const FORMATS: { id: Format; label: string; hint: string }[] = [
  { id: 'csv', label: 'CSV', hint: 'Spreadsheets and BI tools' },
  { id: 'xlsx', label: 'Excel (XLSX)', hint: 'Opens in Excel with dates, numbers and a frozen header; over 1,048,575 rows continue on the next sheet' },
  { id: 'parquet', label: 'Parquet', hint: 'Data warehouse / notebook: typed columns, small files' },
  { id: 'json', label: 'JSON', hint: 'One array of objects' },
  { id: 'jsonl', label: 'JSONL', hint: 'One object per line, for pipelines' },
];

/** Step 5: format, compression, notification; a summary and a row estimate (Start is in the wizard's footer). */
export function StepReview({ me, dataset, draft, update, teams, copiedFrom }: Props) {
  const body = toRequest(draft, dataset, me, teams);
  const { notify_email: _n, ...estimateBody } = body;
  const waitingForTeams = teamsApply(dataset, draft.scope) && !teams;
  const estimate = useQuery({
    queryKey: ['estimate', estimateBody],
    queryFn: ({ signal }) => api<Estimate>('/v1/exports/estimate', { body: estimateBody, signal }),
    enabled: !waitingForTeams,
    retry: false,
    staleTime: 30_000,
  });
  const preferences = usePreferences();
  const notify = draft.notify ?? preferences.data?.email_on_completion ?? true;
  const teamSummary = () => {
    if (!teamsApply(dataset, draft.scope)) return dataset.org_wide ? 'Entire organization' : draft.scope === 'personal' ? 'Your own data' : 'Not applicable';
    // "All workspaces" needs no team list to be stated; only its count waits for the teams.
    if (draft.allWorkspaces) return `All workspaces${teams ? ` (${teams.length} teams)` : ''}, plus personal spaces and any workspace not known yet`;
    // Until the teams have loaded, names and counts are unknown: say so rather than "No teams".
    if (!teams) return <span className="muted" data-testid="teams-loading">Loading teams…</span>;
    const ids = new Set(selectedTeams(draft, teams));
    const names = teams.filter((t) => ids.has(t.id)).map((t) => t.name);
    const all = ids.size === teams.length && teams.length > 0;
    const list = all ? `All teams (${names.length})` : names.length ? names.join(', ') : 'No teams';
    return draft.includePersonal ? `${list}, plus personal spaces` : list;
  };

  return (
    <div className="review">
      {copiedFrom && (
        <Notice tone="info" testId="copied-note">
          Settings copied from export <code>{copiedFrom}</code>. Review them and start, or go back to change anything.
        </Notice>
      )}
      <div className="review__grid">
        <div className="review__options">
          <fieldset className="fieldset">
            <legend className="label">File format</legend>
            <div className="format-options">
              {FORMATS.map((f) => (
                <label key={f.id} className={`choice choice--compact${draft.format === f.id ? ' is-selected' : ''}`}>
                  <input type="radio" name="format" value={f.id} checked={draft.format === f.id} onChange={() => update({ format: f.id })} data-testid={`format-${f.id}`} />
                  <span className="choice__body">
                    <span className="choice__title">{f.label}</span>
                    <span className="choice__desc">{f.hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <CheckRow
            checked={draft.csvBom && bomApplies(draft.format)}
            disabled={!bomApplies(draft.format)}
            onChange={(csvBom) => update({ csvBom })}
            testId="csv-bom"
            title="CSV for Excel (with BOM)"
            hint={
              bomApplies(draft.format)
                ? 'Excel reads UTF-8 names and accents correctly only when the file starts with a byte order mark; other tools do not need it.'
                : 'Only CSV files carry a byte order mark; Excel reads XLSX as it is.'
            }
          />
          <CheckRow
            checked={draft.gzip && gzipApplies(draft.format)}
            disabled={!gzipApplies(draft.format)}
            onChange={(gzip) => update({ gzip })}
            testId="gzip"
            title="Compress with gzip"
            hint={gzipApplies(draft.format) ? 'Smaller download (.gz); most tools open it directly.' : `${draft.format.toUpperCase()} files are compressed already.`}
          />
          <CheckRow
            checked={notify}
            onChange={(checked) => update({ notify: checked })}
            testId="notify"
            title="Email me when it is ready"
            hint={
              <>
                A link is sent to {me.user.email} (or why it failed). On by default; change the default under <a className="inline-link" href={href('/settings')}>Settings</a>.
              </>
            }
          />
        </div>

        <div className="review__summary">
          <h3 className="subhead">Summary</h3>
          <dl className="summary" data-testid="summary">
            <dt>Export type</dt>
            <dd>{dataset.title}</dd>
            <dt>Scope</dt>
            <dd>{draft.scope === 'organization' ? 'Whole organization' : 'Only my own data'}</dd>
            <dt>Date range</dt>
            <dd>{datesApply(dataset) ? `${toUs(draft.from)} – ${toUs(draft.to)} (${draft.timezone})` : 'Not applicable'}</dd>
            <dt>Teams</dt>
            <dd>{teamSummary()}</dd>
            {body.category && (
              <>
                <dt>Category</dt>
                <dd>{body.category}</dd>
              </>
            )}
            {body.entity_ids && (
              <>
                <dt>Only these</dt>
                <dd data-testid="summary-entities">
                  <EntityNames dataset={dataset.name} ids={body.entity_ids} />
                </dd>
              </>
            )}
            {body.group_by && (
              <>
                <dt>Group by</dt>
                <dd>{body.group_by}</dd>
              </>
            )}
            <dt>Fields ({draft.fields.length})</dt>
            <dd className="summary__fields" data-testid="summary-fields">
              {fieldNames(dataset, draft.fields)}
            </dd>
            <dt>File</dt>
            <dd>
              {draft.format.toUpperCase()}
              {draft.csvBom && bomApplies(draft.format) ? ' for Excel (with BOM)' : ''}
              {draft.gzip && gzipApplies(draft.format) ? ', gzip' : ''}
            </dd>
          </dl>
          <div className="estimate" data-testid="estimate" aria-live="polite" aria-busy={estimate.isFetching}>
            {estimate.isError ? (
              <Notice tone="error">{messageOf(estimate.error)}</Notice>
            ) : estimate.data ? (
              <>
                <span className="estimate__value" data-testid="estimate-value">
                  {formatNumber(estimate.data.estimated_rows)}
                </span>{' '}
                <span className="muted">{estimate.data.estimated_rows === 1 ? 'row' : 'rows'} estimated</span>
              </>
            ) : (
              <span className="muted">Estimating rows…</span>
            )}
          </div>
        </div>
      </div>

    </div>
  );
}

/** The picked workflows, agents or projects by name (an id the org does not know yet stays an id). */
/** One option of the last step: a checkbox, its title and a line saying what it does (or why it is off). */
function CheckRow({ checked, disabled, onChange, testId, title, hint }: { checked: boolean; disabled?: boolean; onChange: (checked: boolean) => void; testId: string; title: string; hint: ReactNode }) {
  return (
    <label className="check switch-row">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} data-testid={testId} />
      <span>
        {title}
        <span className="muted small block">{hint}</span>
      </span>
    </label>
  );
}

function EntityNames({ dataset, ids }: { dataset: string; ids: string[] }) {
  const values = useFilterValues(dataset, 'entity_ids');
  const names = new Map((values.data ?? []).map((v) => [v.value, v.label]));
  return <>{ids.map((id) => names.get(id) ?? id).join(', ')}</>;
}
