import type { Me } from '@contract/auth';
import type { Dataset } from '@contract/datasets';
import { isAdmin } from '../lib/caller';
import { scopesFor, withDataset, type Draft } from './draft';

interface Props {
  me: Me;
  datasets: Dataset[];
  draft: Draft;
  update: (fn: (d: Draft) => Draft) => void;
}

const KIND_LABEL: Record<Dataset['kind'], string> = { records: 'Records', usage: 'Usage summary', document: 'Document' };

/** Step 1: every dataset the person may export, with its one-line description; admins pick the scope. */
export function StepType({ me, datasets, draft, update }: Props) {
  const selected = datasets.find((d) => d.name === draft.dataset);
  const scopes = selected ? scopesFor(selected, me) : [];
  return (
    <>
      {!isAdmin(me) && <p className="muted step-intro">As a member you export your own data: the runs, agents and usage you created.</p>}
      <fieldset className="fieldset">
        <legend className="sr-only">Export type</legend>
        <div className="choice-grid">
          {datasets.map((d) => {
            const allowed = scopesFor(d, me);
            return (
              <label key={d.name} className={`choice${draft.dataset === d.name ? ' is-selected' : ''}`} data-testid={`dataset-${d.name}`}>
                <input type="radio" name="dataset" value={d.name} checked={draft.dataset === d.name} onChange={() => update((x) => withDataset(x, d, me))} />
                <span className="choice__body">
                  <span className="choice__title">{d.title}</span>
                  <span className="choice__desc">{d.description}</span>
                  <span className="choice__tags" aria-hidden="true">
                    <span className="tag">{KIND_LABEL[d.kind]}</span>
                    {d.org_wide && allowed.includes('organization') && <span className="tag">Whole organization</span>}
                    {!allowed.includes('organization') && isAdmin(me) && <span className="tag">Personal</span>}
                  </span>
                </span>
              </label>
            );
          })}
        </div>
      </fieldset>
      {datasets.length === 0 && <p className="muted">There is nothing you can export yet.</p>}

      <div className="reserve-scope">
        {selected && scopes.length > 1 && (
          <fieldset className="fieldset segmented-wrap">
            <legend className="label">Scope</legend>
            <div className="segmented" role="presentation">
              <label className={`segmented__opt${draft.scope === 'organization' ? ' is-selected' : ''}`}>
                <input type="radio" name="scope" value="organization" checked={draft.scope === 'organization'} onChange={() => update((x) => ({ ...x, scope: 'organization' }))} />
                Whole organization
              </label>
              <label className={`segmented__opt${draft.scope === 'personal' ? ' is-selected' : ''}`}>
                <input type="radio" name="scope" value="personal" checked={draft.scope === 'personal'} onChange={() => update((x) => ({ ...x, scope: 'personal' }))} />
                Only my own data
              </label>
            </div>
          </fieldset>
        )}
        {selected && scopes.length === 1 && (
          <p className="muted small" data-testid="scope-note">
            Scope: {scopes[0] === 'organization' ? 'the whole organization' : 'only your own data'}.
          </p>
        )}
      </div>
    </>
  );
}
