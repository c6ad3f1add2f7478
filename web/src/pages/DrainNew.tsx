import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Me } from '@contract/auth';
import type { Dataset } from '@contract/datasets';
import type { DrainCreate } from '@contract/drains';
import { api, messageOf } from '../api/client';
import { deliveryKeys, type DrainView } from '../api/delivery';
import { useDatasets, useTeams } from '../api/queries';
import { CopyButton } from '../components/CopyButton';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { TimezoneField } from '../components/TimezoneField';
import { DestinationFields } from '../delivery/DestinationFields';
import { destinationIssues, emptyDestination, toDestination, type DestinationDraft } from '../delivery/destination';
import { fieldErrorsOf } from '../delivery/errors';
import { FormFrame } from '../delivery/Frames';
import { START_LABELS, intervalLabel } from '../delivery/labels';
import { TextField } from '../delivery/TextField';
import { href } from '../lib/router';
import { StepFields } from '../wizard/StepFields';
import { StepTeams } from '../wizard/StepTeams';
import { initialDraft, stepIssue, teamsApply, toRequest, withDataset, type Draft } from '../wizard/draft';
import '../delivery/delivery.css';

/** Fields of the create form the API may name in an error (`issues[].path` or `field`). */
const KNOWN = [
  'name', 'dataset', 'fields', 'interval_seconds', 'start', 'destination', 'destination.url', 'destination.headers', 'destination.bucket', 'destination.prefix',
  'destination.region', 'destination.endpoint', 'destination.access_key_id', 'destination.secret_access_key', 'destination.format', 'destination.compression',
  'timezone', 'filters',
];
/** The API names a drain's S3 compression `compression` (the check it shares with exports). */
const ALIASES = {
  compression: 'destination.compression',
  // The team selection and filters are one part of the form: their errors show there.
  workspace_ids: 'filters', include_personal_workspaces: 'filters', entity_ids: 'filters', category: 'filters', invalid_filters: 'filters',
};

type Start = keyof typeof START_LABELS;
type DrainRequest = Omit<Partial<DrainCreate>, 'destination'> & { destination?: ReturnType<typeof toDestination> };

/** Create a drain: a preflight delivery runs first; a refusal shows the destination's status and answer. */
export function DrainNewPage({ me }: { me: Me }) {
  const datasets = useDatasets();
  const [created, setCreated] = useState<DrainView | null>(null);
  return (
    <FormFrame
      back={{ path: '/drains', label: 'Drains' }}
      title="New drain"
      description="Sluice first sends the destination an empty, signed test delivery; the drain is created only if the destination accepts it."
      needs={datasets}
    >
      {(all) => (created ? <CreatedDrain drain={created} /> : <DrainForm me={me} datasets={all.filter((d) => d.kind === 'records')} onCreated={setCreated} />)}
    </FormFrame>
  );
}

function DrainForm({ me, datasets, onCreated }: { me: Me; datasets: Dataset[]; onCreated: (d: DrainView) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  // Delivered timestamps are in UTC unless the form says otherwise (the API's default too).
  const [draft, setDraft] = useState<Draft>(() => ({ ...initialDraft(), timezone: 'UTC' }));
  const [destination, setDestination] = useState<DestinationDraft>(() => emptyDestination('http'));
  const [interval, setIntervalText] = useState('60');
  const [start, setStart] = useState<Start>('now');
  const [startDate, setStartDate] = useState('');
  const [attempted, setAttempted] = useState(false);
  const dataset = datasets.find((d) => d.name === draft.dataset);
  const teams = useTeams(teamsApply(dataset, draft.scope));

  const create = useMutation({
    mutationFn: (body: DrainRequest) => api<DrainView>('/v1/drains', { body }),
    onSuccess: (d) => {
      announce(`Drain ${d.name} created.${d.signing_secret ? ' Copy its signing secret now: it is shown only once.' : ''}`);
      void client.invalidateQueries({ queryKey: deliveryKeys.drains });
      onCreated(d);
    },
  });
  // Editing after a refusal clears it: the next submit asks again.
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    if (create.isError) create.reset();
  };

  const seconds = Number(interval);
  const issues: Record<string, string> = { ...destinationIssues(destination) };
  if (!name.trim()) issues.name = 'Give the drain a name.';
  if (!dataset) issues.dataset = 'Choose what to deliver.';
  else if (draft.fields.length === 0) issues.fields = 'Select at least one field.';
  const teamsIssue = stepIssue('teams', draft, dataset, teams.data);
  if (teamsIssue) issues.filters = teamsIssue;
  if (!Number.isInteger(seconds) || seconds < 15 || seconds > 600) issues.interval_seconds = 'Enter a whole number of seconds from 15 to 600.';
  if (start === 'date' && !startDate) issues.start = 'Enter the day to start from.';
  const server = fieldErrorsOf(create.error, KNOWN, ALIASES);
  const errors = { ...(attempted ? issues : {}), ...server.fields };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (Object.keys(issues).length) {
      announce('The drain was not created: correct the fields marked below.');
      return;
    }
    // The wizard's team selection and filters, as a drain takes them: no selection at all is every workspace.
    const { workspace_ids, include_personal_workspaces, entity_ids, category } = toRequest(draft, dataset!, me, teams.data);
    create.mutate({
      name: name.trim(),
      dataset: dataset!.name,
      fields: draft.fields,
      timezone: draft.timezone,
      ...(workspace_ids ? { workspace_ids } : {}),
      ...(include_personal_workspaces !== undefined ? { include_personal_workspaces } : {}),
      ...(entity_ids ? { entity_ids } : {}),
      ...(category ? { category } : {}),
      destination: toDestination(destination),
      interval_seconds: seconds,
      start: start === 'date' ? startDate : start,
    });
  };

  return (
    <form className="card dform" onSubmit={submit} noValidate data-testid="drain-form">
      <section className="dform__section" aria-labelledby="drain-what">
        <h2 id="drain-what" className="subhead">
          What to deliver
        </h2>
        <div className="dform__grid">
          <TextField id="drain-name" label="Name" value={name} onChange={edit(setName)} error={errors.name} placeholder="e.g. Runs to the warehouse" testId="drain-name" />
          <div className="field">
            <label htmlFor="drain-dataset">Records to deliver</label>
            <select
              id="drain-dataset"
              value={draft.dataset ?? ''}
              aria-invalid={errors.dataset ? true : undefined}
              aria-describedby={errors.dataset ? 'drain-dataset-error' : undefined}
              onChange={(e) => {
                const d = datasets.find((x) => x.name === e.target.value);
                // Every workspace unless teams are unticked: the drain then includes teams created later too.
                if (d) edit(setDraft)((cur: Draft) => (cur.dataset === d.name ? cur : { ...withDataset(cur, d, me), allWorkspaces: true }));
              }}
              data-testid="drain-dataset"
            >
              <option value="" disabled>
                Choose…
              </option>
              {datasets.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.title}
                </option>
              ))}
            </select>
            {errors.dataset && (
              <p id="drain-dataset-error" className="field-error" role="alert">
                {errors.dataset}
              </p>
            )}
          </div>
        </div>
        {dataset && (
          <>
            <h3 className="subhead dform__sub">Teams and filters</h3>
            {errors.filters && (
              <p className="field-error" role="alert" data-testid="drain-filters-error">
                {errors.filters}
              </p>
            )}
            <StepTeams dataset={dataset} draft={draft} update={edit((patch: Partial<Draft>) => setDraft((cur) => ({ ...cur, ...patch })))} teams={teams} />
          </>
        )}
        {dataset && (
          <fieldset className="fieldset" aria-describedby={errors.fields ? 'drain-fields-error' : undefined}>
            <legend className="label">Fields</legend>
            {errors.fields && (
              <p id="drain-fields-error" className="field-error" role="alert">
                {errors.fields}
              </p>
            )}
            <StepFields dataset={dataset} draft={draft} update={edit((patch: Partial<Draft>) => setDraft((cur) => ({ ...cur, ...patch })))} />
          </fieldset>
        )}
      </section>

      <section className="dform__section" aria-labelledby="drain-where">
        <h2 id="drain-where" className="subhead">
          Where and when
        </h2>
        <DestinationFields value={destination} onChange={edit(setDestination)} errors={errors} refused={server.refused} />
        <div className="dform__grid">
          <TextField
            id="drain-interval"
            label="Check for new records every (seconds)"
            type="number"
            min={15}
            max={600}
            value={interval}
            onChange={edit(setIntervalText)}
            error={errors.interval_seconds}
            hint="15 to 600 seconds. Run now delivers at once whenever you like."
            testId="drain-interval"
          />
          <div>
            <TimezoneField id="drain-timezone" value={draft.timezone} onChange={edit((timezone: string) => setDraft((cur) => ({ ...cur, timezone })))} testId="drain-timezone" />
            <p className={errors.timezone ? 'field-error' : 'muted small'} role={errors.timezone ? 'alert' : undefined}>
              {errors.timezone ?? 'The zone of the timestamps in delivered records.'}
            </p>
          </div>
          <fieldset className="fieldset" aria-describedby={errors.start ? 'drain-start-error' : undefined}>
            <legend className="label">Start with</legend>
            {(Object.keys(START_LABELS) as Start[]).map((s) => (
              <label key={s} className="check dform__radio">
                <input type="radio" name="drain-start" value={s} checked={start === s} onChange={() => edit(setStart)(s)} data-testid={`drain-start-${s}`} />
                <span>
                  {START_LABELS[s].label}
                  <span className="muted small block">{START_LABELS[s].hint}</span>
                </span>
              </label>
            ))}
            {start === 'date' && (
              <TextField id="drain-start-date" label="Start date" type="date" value={startDate} onChange={edit(setStartDate)} testId="drain-start-date" hint="Records created on or after this day (UTC)." />
            )}
            {errors.start && (
              <p id="drain-start-error" className="field-error" role="alert">
                {errors.start}
              </p>
            )}
          </fieldset>
        </div>
      </section>

      <div className="settings__foot dform__foot">
        <div className="settings__feedback dform__feedback">{server.general && <Notice tone="error">{server.general}</Notice>}</div>
        <button type="submit" className="btn btn--primary" disabled={create.isPending} data-testid="create-drain">
          {create.isPending ? 'Testing the destination…' : 'Create drain'}
        </button>
      </div>
    </form>
  );
}

/** The drain just created; an HTTP drain's signing secret is shown here once, with a copy button. */
function CreatedDrain({ drain }: { drain: DrainView }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card new-key" aria-labelledby="created-drain-title" data-testid="drain-created">
      <h2 id="created-drain-title" ref={heading} tabIndex={-1} className="subhead">
        Drain “{drain.name}” created
      </h2>
      <Notice tone="success">The destination accepted the test delivery. Records follow {intervalLabel(drain.interval_seconds)}, in the order they change.</Notice>
      {drain.signing_secret && (
        <>
          <Notice tone="info">
            Copy the signing secret now and give it to the receiving service: <strong>it will not be shown again</strong>. Every delivery is signed with it (Standard Webhooks
            <code> webhook-signature</code> and <code>X-Gumloop-Signature</code>).
          </Notice>
          <div className="field">
            <label htmlFor="signing-secret">Signing secret</label>
            <div className="key-reveal">
              <input id="signing-secret" readOnly value={drain.signing_secret} onFocus={(e) => e.target.select()} className="mono" data-testid="signing-secret" />
              <CopyButton text={drain.signing_secret} />
            </div>
          </div>
        </>
      )}
      <a className="btn btn--secondary" href={href(`/drains/${encodeURIComponent(drain.id)}`)} data-testid="open-drain">
        {drain.signing_secret ? 'I have saved it: open the drain' : 'Open the drain'}
      </a>
    </section>
  );
}
