import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Dataset, Workspace } from '@contract/datasets';
import { messageOf } from '../api/client';
import { Notice } from '../components/Notice';
import { selectedTeams, teamsApply, type Draft } from './draft';

interface Props {
  dataset: Dataset;
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
  teams: UseQueryResult<Workspace[]>;
}

/**
 * Step 3: which teams (searchable checkboxes, select all, members' personal spaces). Org-wide datasets
 * (credit logs), personal exports and datasets without a workspace filter skip it with a note; other
 * filters the dataset takes (category, ids) are offered here too.
 */
export function StepTeams({ dataset, draft, update, teams }: Props) {
  return (
    <>
      {teamsApply(dataset, draft.scope) ? <TeamPicker draft={draft} update={update} teams={teams} /> : <SkipNote dataset={dataset} draft={draft} />}
      <ExtraFilters dataset={dataset} draft={draft} update={update} />
    </>
  );
}

function SkipNote({ dataset, draft }: { dataset: Dataset; draft: Draft }) {
  const why = dataset.org_wide
    ? `${dataset.title} exports always cover the entire organization, so team selection does not apply.`
    : draft.scope === 'personal'
      ? 'This export has only your own data, from every team you work in, so there are no teams to choose.'
      : `${dataset.title} is not split by team, so team selection does not apply.`;
  return (
    <p className="note" data-testid="teams-note">
      {why} Continue to the next step.
    </p>
  );
}

function TeamPicker({ draft, update, teams }: Omit<Props, 'dataset'>) {
  const [search, setSearch] = useState('');
  const all = teams.data ?? [];
  const selected = new Set(selectedTeams(draft, all));
  const needle = search.trim().toLowerCase();
  const shown = needle ? all.filter((t) => t.name.toLowerCase().includes(needle)) : all;
  const shownSelected = shown.filter((t) => selected.has(t.id)).length;
  const selectAll = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = shownSelected > 0 && shownSelected < shown.length;
  }, [shownSelected, shown.length]);

  // "All workspaces" shows as every team plus personal spaces; changing either makes it an explicit selection.
  const personal = draft.allWorkspaces || draft.includePersonal;
  const setSelection = (ids: Set<string>) => update({ workspaceIds: all.filter((t) => ids.has(t.id)).map((t) => t.id), includePersonal: personal, allWorkspaces: false });
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelection(next);
  };
  const toggleShown = () => {
    const next = new Set(selected);
    const on = shownSelected < shown.length;
    shown.forEach((t) => (on ? next.add(t.id) : next.delete(t.id)));
    setSelection(next);
  };

  if (teams.isError) return <Notice tone="error">{messageOf(teams.error)}</Notice>;
  return (
    <div className="teams">
      <div className="field">
        <label htmlFor="team-search">Search teams</label>
        <input id="team-search" type="search" placeholder="Team name" value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" data-testid="team-search" />
      </div>
      <div className="teams__box" aria-busy={teams.isPending}>
        <div className="teams__head">
          <label className="check">
            <input ref={selectAll} type="checkbox" checked={shown.length > 0 && shownSelected === shown.length} onChange={toggleShown} disabled={shown.length === 0} data-testid="select-all-teams" />
            {needle ? 'Select all matching teams' : 'Select all teams'}
          </label>
          <span className="muted small" aria-live="polite" data-testid="team-count">
            {selected.size} of {all.length} selected
          </span>
        </div>
        <ul className="teams__list" aria-label="Teams">
          {teams.isPending && <li className="muted teams__empty">Loading teams…</li>}
          {!teams.isPending && shown.length === 0 && <li className="muted teams__empty">{all.length ? `No team matches “${search}”.` : 'Your organization has no teams yet.'}</li>}
          {shown.map((t) => (
            <li key={t.id}>
              <label className="check">
                <input type="checkbox" checked={selected.has(t.id)} onChange={() => toggle(t.id)} data-testid={`team-${t.id}`} />
                {t.name}
              </label>
            </li>
          ))}
        </ul>
      </div>
      <label className="check switch-row">
        <input type="checkbox" role="switch" checked={personal} onChange={(e) => update({ includePersonal: e.target.checked, allWorkspaces: false })} data-testid="include-personal" />
        <span>
          Include personal spaces
          <span className="muted small block">Also export what members did in their own personal workspaces.</span>
        </span>
      </label>
    </div>
  );
}

const ENTITY_NOUN: Record<string, string> = { workflow_runs: 'workflow', agents: 'agent', agent_interactions: 'agent', llm_logs: 'project' };

function ExtraFilters({ dataset, draft, update }: Omit<Props, 'teams'>) {
  const hasCategory = dataset.filters.includes('category');
  const hasIds = dataset.filters.includes('entity_ids');
  if (!hasCategory && !hasIds) return null;
  const noun = ENTITY_NOUN[dataset.name] ?? 'record';
  return (
    <fieldset className="fieldset filters">
      <legend className="label">More filters (optional)</legend>
      {hasCategory && (
        <div className="field">
          <label htmlFor="filter-category">Category</label>
          <input id="filter-category" placeholder="e.g. PIPELINE_RUN" value={draft.category} onChange={(e) => update({ category: e.target.value })} aria-describedby="filter-category-hint" />
          <p id="filter-category-hint" className="muted small">
            Only this credit log category, e.g. PIPELINE_RUN or AGENT_RUN. Leave empty for all.
          </p>
        </div>
      )}
      {hasIds && (
        <div className="field">
          <label htmlFor="filter-ids">Only these {noun}s</label>
          <input id="filter-ids" placeholder="id_1, id_2" value={draft.entityIds} onChange={(e) => update({ entityIds: e.target.value })} aria-describedby="filter-ids-hint" />
          <p id="filter-ids-hint" className="muted small">
            {noun[0].toUpperCase() + noun.slice(1)} IDs, separated by commas. Leave empty for all.
          </p>
        </div>
      )}
    </fieldset>
  );
}
