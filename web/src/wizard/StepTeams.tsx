import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Dataset, Workspace } from '@contract/datasets';
import { messageOf } from '../api/client';
import { useFilterValues } from '../api/filter-values';
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

/** Category and "only these" filters as choosers of the values the server accepts (never free text). */
function ExtraFilters({ dataset, draft, update }: Omit<Props, 'teams'>) {
  const hasCategory = dataset.filters.includes('category');
  const hasIds = dataset.filters.includes('entity_ids');
  if (!hasCategory && !hasIds) return null;
  return (
    <fieldset className="fieldset filters">
      <legend className="label">More filters (optional)</legend>
      {hasCategory && <CategoryFilter dataset={dataset} draft={draft} update={update} />}
      {hasIds && <EntityFilter dataset={dataset} draft={draft} update={update} />}
    </fieldset>
  );
}

function CategoryFilter({ dataset, draft, update }: Omit<Props, 'teams'>) {
  const values = useFilterValues(dataset.name, 'category');
  const options = values.data ?? [];
  // A copied export's category is kept even before the list arrives.
  const known = !draft.category || options.some((o) => o.value === draft.category);
  return (
    <div className="field">
      <label htmlFor="filter-category">Category</label>
      <select id="filter-category" value={draft.category} onChange={(e) => update({ category: e.target.value })} aria-describedby="filter-category-hint" data-testid="filter-category">
        <option value="">All categories</option>
        {!known && <option value={draft.category}>{draft.category}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label} ({o.value})
          </option>
        ))}
      </select>
      <p id="filter-category-hint" className="muted small">
        {values.isError ? messageOf(values.error) : 'Only credit log entries of this category.'}
      </p>
    </div>
  );
}

function EntityFilter({ dataset, draft, update }: Omit<Props, 'teams'>) {
  const [search, setSearch] = useState('');
  const values = useFilterValues(dataset.name, 'entity_ids');
  const noun = ENTITY_NOUN[dataset.name] ?? 'record';
  const selected = new Set(draft.entityIds.split(/[\s,]+/).filter(Boolean));
  const listed = values.data ?? [];
  // Ids picked elsewhere (a link, a copied export) that the list does not have: a run may name a workflow not known yet.
  const extra = [...selected].filter((id) => !listed.some((o) => o.value === id)).map((id) => ({ value: id, label: `${id} (not known yet)` }));
  const all = [...extra, ...listed];
  const needle = search.trim().toLowerCase();
  const shown = needle ? all.filter((o) => o.label.toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle)) : all;
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    update({ entityIds: all.filter((o) => next.has(o.value)).map((o) => o.value).join(', ') });
  };
  return (
    <div className="field entity-filter">
      <span className="label" id="filter-ids-title">
        Only these {noun}s
      </span>
      <p id="filter-ids-hint" className="muted small">
        {selected.size === 0 ? `None ticked: every ${noun}.` : `${selected.size} ticked: only their rows.`}
      </p>
      <label htmlFor="filter-ids-search" className="sr-only">
        Search {noun}s
      </label>
      <input id="filter-ids-search" type="search" placeholder={`Search ${noun}s`} value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" data-testid="filter-ids-search" />
      <ul className="teams__list entity-filter__list" aria-labelledby="filter-ids-title" aria-describedby="filter-ids-hint" aria-busy={values.isPending}>
        {values.isPending && <li className="muted teams__empty">Loading {noun}s…</li>}
        {values.isError && <li className="field-error teams__empty">{messageOf(values.error)}</li>}
        {!values.isPending && shown.length === 0 && <li className="muted teams__empty">{all.length ? `No ${noun} matches “${search}”.` : `No ${noun}s yet.`}</li>}
        {shown.map((o) => (
          <li key={o.value}>
            <label className="check">
              <input type="checkbox" checked={selected.has(o.value)} onChange={() => toggle(o.value)} data-testid={`entity-${o.value}`} />
              {o.label}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
