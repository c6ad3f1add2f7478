import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Me } from '@contract/auth';
import type { Dataset } from '@contract/datasets';
import type { SCHEDULE_PERIODS } from '@contract/drains';
import type { Format } from '@contract/vocabulary';
import { api } from '../api/client';
import { deliveryKeys, type Schedule } from '../api/delivery';
import { useDatasets, useTeams } from '../api/queries';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { DestinationFields } from '../delivery/DestinationFields';
import { destinationIssues, emptyDestination, toDestination, type DestinationDraft } from '../delivery/destination';
import { fieldErrorsOf } from '../delivery/errors';
import { FormFrame } from '../delivery/Frames';
import { PERIOD_LABELS } from '../delivery/labels';
import { TextField } from '../delivery/TextField';
import { browserTimezone, timezones } from '../lib/dates';
import { navigate } from '../lib/router';
import { StepFields } from '../wizard/StepFields';
import { StepTeams } from '../wizard/StepTeams';
import { StepType } from '../wizard/StepType';
import { datesApply, gzipApplies, initialDraft, stepIssue, teamsApply, toRequest, visibleDatasets, type Draft } from '../wizard/draft';
import '../delivery/delivery.css';

type Period = (typeof SCHEDULE_PERIODS)[number];

// Typed by the contract (type-only imports keep zod out of the bundle), so a new format or period fails the typecheck here.
const FORMAT_LABELS: Record<Format, string> = { csv: 'CSV', xlsx: 'Excel (XLSX)', parquet: 'Parquet', json: 'JSON', jsonl: 'JSON Lines' };
const FORMAT_IDS = Object.keys(FORMAT_LABELS) as Format[];
const PERIODS = Object.keys(PERIOD_LABELS) as Period[];

/** Form fields the API may name; plan errors name the export's fields without the `export.` prefix. */
const KNOWN = [
  'name', 'every', 'timezone', 'start', 'notify_email', 'export', 'export.dataset', 'export.fields', 'export.format', 'export.compression',
  'destination', 'destination.url', 'destination.headers', 'destination.bucket', 'destination.prefix', 'destination.region', 'destination.endpoint',
  'destination.access_key_id', 'destination.secret_access_key', 'destination.format', 'destination.compression',
];
const ALIASES = { dataset: 'export.dataset', scope: 'export.dataset', fields: 'export.fields', group_by: 'export.fields', format: 'export.format', compression: 'export.compression', from: 'start', category: 'export' };

/** Create a schedule: the export as in the wizard (type, teams, fields, format), how often, zone, destination, email. */
export function ScheduleNewPage({ me }: { me: Me }) {
  const datasets = useDatasets();
  return (
    <FormFrame
      back={{ path: '/schedules', label: 'Schedules' }}
      title="New schedule"
      description="Each run is an ordinary export of the previous whole hour, day, week or month in the schedule's timezone; missed periods are caught up."
      needs={datasets}
    >
      {(all) => <ScheduleForm me={me} datasets={visibleDatasets(all, me).filter(datesApply)} />}
    </FormFrame>
  );
}

function ScheduleForm({ me, datasets }: { me: Me; datasets: Dataset[] }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<Draft>(() => initialDraft());
  const [every, setEvery] = useState<Period>('day');
  const [timezone, setTimezone] = useState(browserTimezone);
  const [start, setStart] = useState('');
  const [email, setEmail] = useState('');
  const [destination, setDestination] = useState<DestinationDraft>(() => emptyDestination('none'));
  const [attempted, setAttempted] = useState(false);
  const dataset = datasets.find((d) => d.name === draft.dataset);
  const teams = useTeams(teamsApply(dataset, draft.scope));

  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Schedule>('/v1/schedules', { body }),
    onSuccess: async (s) => {
      announce(`Schedule ${s.name} created.`);
      await client.invalidateQueries({ queryKey: deliveryKeys.schedules });
      navigate(`/schedules/${encodeURIComponent(s.id)}`);
    },
  });
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    if (create.isError) create.reset();
  };
  // The wizard's steps edit the same draft they edit there.
  const update = (patch: Partial<Draft> | ((d: Draft) => Draft)) => {
    setDraft((d) => (typeof patch === 'function' ? patch(d) : { ...d, ...patch }));
    if (create.isError) create.reset();
  };

  const issues: Record<string, string> = { ...destinationIssues(destination) };
  if (!name.trim()) issues.name = 'Give the schedule a name.';
  const exportIssue = stepIssue('type', draft, dataset, teams.data) ?? stepIssue('teams', draft, dataset, teams.data);
  if (exportIssue) issues['export.dataset'] = exportIssue;
  else if (draft.fields.length === 0) issues['export.fields'] = 'Select at least one field.';
  if (email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) issues.notify_email = 'Enter an email address, or leave it empty.';
  const server = fieldErrorsOf(create.error, KNOWN, ALIASES);
  const errors = { ...(attempted ? issues : {}), ...server.fields };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (Object.keys(issues).length || !dataset) {
      announce('The schedule was not created: correct the fields marked below.');
      return;
    }
    // The wizard's request without what the schedule decides itself: the window, its zone and the source.
    const { from: _f, to: _t, timezone: _z, source: _s, notify_email: _n, ...exportBody } = toRequest(draft, dataset, me, teams.data);
    const dest = toDestination(destination);
    create.mutate({
      name: name.trim(),
      export: exportBody,
      every,
      timezone,
      ...(start ? { start } : {}),
      ...(dest ? { destination: dest } : {}),
      ...(email.trim() ? { notify_email: email.trim() } : {}),
    });
  };

  return (
    <form className="card dform" onSubmit={submit} noValidate data-testid="schedule-form">
      <section className="dform__section" aria-labelledby="schedule-what">
        <h2 id="schedule-what" className="subhead">
          What to export
        </h2>
        <TextField id="schedule-name" label="Name" value={name} onChange={edit(setName)} error={errors.name} placeholder="e.g. Daily runs for finance" testId="schedule-name" />
        <StepType me={me} datasets={datasets} draft={draft} update={update} />
        {errors['export.dataset'] && (
          <p className="field-error" role="alert" data-testid="schedule-export-error">
            {errors['export.dataset']}
          </p>
        )}
        {errors.export && (
          <p className="field-error" role="alert">
            {errors.export}
          </p>
        )}
        {dataset && (
          <>
            <h3 className="subhead dform__sub">Teams and filters</h3>
            <StepTeams dataset={dataset} draft={draft} update={update} teams={teams} />
            <fieldset className="fieldset">
              <legend className="label">Fields</legend>
              {errors['export.fields'] && (
                <p className="field-error" role="alert">
                  {errors['export.fields']}
                </p>
              )}
              <StepFields dataset={dataset} draft={draft} update={update} />
            </fieldset>
            <div className="dform__grid">
              <div className="field">
                <label htmlFor="schedule-format">File format</label>
                <select id="schedule-format" value={draft.format} onChange={(e) => update({ format: e.target.value as Format })} data-testid="schedule-format">
                  {FORMAT_IDS.map((f) => (
                    <option key={f} value={f}>
                      {FORMAT_LABELS[f]}
                    </option>
                  ))}
                </select>
                {errors['export.format'] && <p className="field-error" role="alert">{errors['export.format']}</p>}
              </div>
              <div className="field">
                <label className="check">
                  <input type="checkbox" checked={draft.gzip && gzipApplies(draft.format)} disabled={!gzipApplies(draft.format)} onChange={(e) => update({ gzip: e.target.checked })} data-testid="schedule-gzip" />
                  <span>Compress with gzip</span>
                </label>
                <p className={errors['export.compression'] ? 'field-error' : 'muted small'}>{errors['export.compression'] ?? (gzipApplies(draft.format) ? 'Smaller files (.gz).' : `${FORMAT_LABELS[draft.format]} files are compressed already.`)}</p>
              </div>
            </div>
          </>
        )}
      </section>

      <section className="dform__section" aria-labelledby="schedule-when">
        <h2 id="schedule-when" className="subhead">
          When and where
        </h2>
        <div className="dform__grid">
          <div className="field">
            <label htmlFor="schedule-every">Runs</label>
            <select id="schedule-every" value={every} onChange={(e) => edit(setEvery)(e.target.value as Period)} aria-describedby="schedule-every-hint" data-testid="schedule-every">
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {PERIOD_LABELS[p]}
                </option>
              ))}
            </select>
            <p id="schedule-every-hint" className="muted small">
              Each run exports the period that just ended.
            </p>
            {errors.every && <p className="field-error" role="alert">{errors.every}</p>}
          </div>
          <div className="field">
            <label htmlFor="schedule-timezone">Timezone</label>
            <select id="schedule-timezone" value={timezone} onChange={(e) => edit(setTimezone)(e.target.value)} aria-describedby="schedule-timezone-hint" data-testid="schedule-timezone">
              {timezones().map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
            <p id="schedule-timezone-hint" className="muted small">
              Where days, weeks and months begin, and the zone of times in the files.
            </p>
            {errors.timezone && <p className="field-error" role="alert">{errors.timezone}</p>}
          </div>
          <TextField
            id="schedule-start"
            label="First period starts on (optional)"
            type="date"
            value={start}
            onChange={edit(setStart)}
            error={errors.start}
            hint="A past day catches up every period since then. Empty: the current period, exported once it ends."
            testId="schedule-start"
          />
          <TextField
            id="schedule-email"
            label="Email when a run finishes (optional)"
            type="email"
            value={email}
            onChange={edit(setEmail)}
            error={errors.notify_email}
            placeholder={me.user.email}
            testId="schedule-email"
          />
        </div>
        <DestinationFields value={destination} onChange={edit(setDestination)} errors={errors} refused={server.refused} forSchedule />
      </section>

      <div className="settings__foot dform__foot">
        <div className="settings__feedback dform__feedback">{server.general && <Notice tone="error">{server.general}</Notice>}</div>
        <button type="submit" className="btn btn--primary" disabled={create.isPending || (teamsApply(dataset, draft.scope) && !teams.data)} data-testid="create-schedule">
          {create.isPending ? 'Creating…' : 'Create schedule'}
        </button>
      </div>
    </form>
  );
}
