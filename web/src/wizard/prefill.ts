import type { Me } from '@contract/auth';
import type { Dataset } from '@contract/datasets';
import { href } from '../lib/router';
import { initialDraft, teamsApply, withDataset, type Draft } from './draft';

/*
 * "Export this": a link that opens the wizard with a dataset, a period and filters filled in, e.g.
 * `#/new?dataset=workflow_runs&start=2025-03-01&end=2025-03-31&tz=UTC&ids=wf_a`. (`from` is taken: it
 * names the export that "run again" copies.)
 */

export interface Prefill {
  dataset: string;
  from: string;
  to: string;
  timezone: string;
  ids?: string[];
  category?: string;
}

/** The wizard's address for a prefill. */
export function wizardLink(p: Prefill): string {
  const qs = new URLSearchParams({ dataset: p.dataset, start: p.from, end: p.to, tz: p.timezone });
  if (p.ids?.length) qs.set('ids', p.ids.join(','));
  if (p.category) qs.set('category', p.category);
  return href(`/new?${qs}`);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The draft a prefill link describes, or null when it names no dataset this person may export (the
 * wizard then starts empty). Days that are not `YYYY-MM-DD` keep the default period; team-scoped
 * datasets start at "all workspaces", as the overview counted them.
 */
export function draftFromQuery(query: URLSearchParams, datasets: Dataset[], me: Me): Draft | null {
  const d = datasets.find((x) => x.name === query.get('dataset'));
  if (!d) return null;
  const draft = withDataset(initialDraft(), d, me);
  const start = query.get('start');
  const end = query.get('end');
  const tz = query.get('tz');
  const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
  return {
    ...draft,
    ...(start && end && DAY.test(start) && DAY.test(end) ? { from: start, to: end, preset: 'custom' as const } : {}),
    ...(tz ? { timezone: tz } : {}),
    // The overview counts every workspace (personal ones and those not known yet): so does its export.
    allWorkspaces: teamsApply(d, draft.scope),
    entityIds: d.filters.includes('entity_ids') ? ids.join(', ') : '',
    category: d.filters.includes('category') ? (query.get('category') ?? '') : '',
  };
}
