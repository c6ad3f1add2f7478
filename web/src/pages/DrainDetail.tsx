import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Dataset } from '@contract/datasets';
import { api, messageOf } from '../api/client';
import { deliveryKeys, useDeliveries, useDrain, type DrainView } from '../api/delivery';
import { useDatasets, useTeams } from '../api/queries';
import { ConfirmButton } from '../components/ConfirmButton';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { DrainBadge } from '../delivery/Badges';
import { describeDestination } from '../delivery/destination';
import { fieldErrorsOf } from '../delivery/errors';
import { DetailFrame, ListStateRows } from '../delivery/Frames';
import { intervalLabel, rangeLabel } from '../delivery/labels';
import { TextField } from '../delivery/TextField';
import { datasetTitle } from '../lib/exports';
import { formatBytes, formatDateTime, formatNumber } from '../lib/format';
import { navigate } from '../lib/router';
import { StepFields } from '../wizard/StepFields';
import { initialDraft, type Draft } from '../wizard/draft';
import '../delivery/delivery.css';

/** One drain: its state, actions (pause / resume / run now / replay / delete) and delivery log; updates every 2 s. */
export function DrainDetailPage({ id }: { id: string }) {
  const query = useDrain(id);
  const datasets = useDatasets();
  return (
    <DetailFrame
      query={query}
      back={{ path: '/drains', label: 'Drains' }}
      title={(d) => (d ? `Drain “${d.name}”` : 'Drain')}
      description={(d) => `${datasetTitle(d.dataset, datasets.data)} → ${describeDestination(d.destination)}`}
      missing="This drain does not exist, or it was deleted."
    >
      {(d) => (
        <>
          <DrainSummary drain={d} dataset={datasets.data?.find((x) => x.name === d.dataset)} />
          <DeliveryLog id={d.id} />
        </>
      )}
    </DetailFrame>
  );
}

function DrainSummary({ drain: d, dataset }: { drain: DrainView; dataset: Dataset | undefined }) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: deliveryKeys.drains });
  const act = useMutation({
    mutationFn: (a: { path: string; method: string; body?: unknown; done: string }) => api<DrainView>(`/v1/drains/${encodeURIComponent(d.id)}${a.path}`, { method: a.method, body: a.body }),
    onSuccess: (next, a) => {
      client.setQueryData(deliveryKeys.drain(d.id), next);
      announce(a.done);
    },
    onSettled: refresh,
  });
  const active = d.status === 'active';
  const [editing, setEditing] = useState(false);

  if (editing) return <EditDrain drain={d} dataset={dataset} onClose={() => setEditing(false)} />;
  return (
    <div className="card detail" data-testid="drain-detail" data-status={d.status}>
      <div className="detail__head">
        <DrainBadge drain={d} />
        <div className="row-actions row-actions--wide">
          {active ? (
            <button type="button" className="btn btn--secondary btn--sm" disabled={act.isPending} onClick={() => act.mutate({ path: '', method: 'PATCH', body: { status: 'paused' }, done: 'Drain paused.' })} data-testid="drain-pause">
              Pause
            </button>
          ) : (
            <button type="button" className="btn btn--primary btn--sm" disabled={act.isPending} onClick={() => act.mutate({ path: '', method: 'PATCH', body: { status: 'active' }, done: 'Drain resumed: it continues from its cursor.' })} data-testid="drain-resume">
              Resume
            </button>
          )}
          <button
            type="button"
            className="btn btn--secondary btn--sm"
            disabled={act.isPending || !active}
            title={active ? undefined : 'Resume the drain to deliver'}
            onClick={() => act.mutate({ path: '/run', method: 'POST', done: 'Delivering now.' })}
            data-testid="drain-run"
          >
            Run now
          </button>
          <button type="button" className="btn btn--secondary btn--sm" onClick={() => setEditing(true)} data-testid="drain-edit">
            Edit
          </button>
          <ConfirmButton
            testId="drain-delete"
            className="btn btn--ghost btn--sm btn--danger-text"
            title={`Delete the drain “${d.name}”?`}
            body={<p>Deliveries stop and the delivery log is deleted. What was already delivered stays at the destination. This cannot be undone.</p>}
            confirmLabel="Delete drain"
            onConfirm={async () => {
              await api<void>(`/v1/drains/${encodeURIComponent(d.id)}`, { method: 'DELETE' });
              announce(`Drain ${d.name} deleted.`);
              await refresh();
              navigate('/drains');
            }}
          >
            Delete
          </ConfirmButton>
        </div>
      </div>
      {act.isError && <Notice tone="error">{messageOf(act.error)}</Notice>}
      {d.status === 'error' && (
        <Notice tone="error" testId="drain-stopped">
          Stopped after {d.consecutive_failures} failed deliveries in a row{d.last_error ? `: ${d.last_error}` : '.'} Resume to continue from the cursor: nothing is skipped.
        </Notice>
      )}
      <dl className="summary summary--wide">
        <dt>Delivered up to</dt>
        <dd>
          sequence <span data-testid="drain-cursor">{formatNumber(d.cursor)}</span>
          {d.replaying && (
            <span className="muted" data-testid="drain-replaying">
              {' '}
              · replaying {rangeLabel({ from: d.replaying.next, to: d.replaying.to })}
            </span>
          )}
        </dd>
        <dt>Checks</dt>
        <dd>{intervalLabel(d.interval_seconds)}</dd>
        <dt>Last delivery</dt>
        <dd>{d.last_delivery_at ? formatDateTime(d.last_delivery_at) : 'Not yet'}</dd>
        <dt>Last error</dt>
        <dd className="break" data-testid="drain-last-error">
          {d.last_error ?? 'None'}
        </dd>
        <dt>Totals</dt>
        <dd data-testid="drain-counts">
          {formatNumber(d.counts.records)} records in {formatNumber(d.counts.deliveries)} deliveries, {formatNumber(d.counts.failed)} failed
        </dd>
        <dt>Destination</dt>
        <dd className="break">
          {describeDestination(d.destination)}
          {d.destination.type === 'http' && d.destination.header_names.length > 0 && <span className="muted"> · extra headers: {d.destination.header_names.join(', ')}</span>}
          {d.destination.type === 's3' && <span className="muted"> · {d.destination.format.toUpperCase()}{d.destination.compression === 'gzip' ? ', gzip' : ''}</span>}
        </dd>
        <dt>Reads</dt>
        <dd data-testid="drain-filters">
          <DrainFilters drain={d} />
        </dd>
        <dt>Fields</dt>
        <dd className="summary__fields">{d.fields.join(', ')}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(d.created_at)}</dd>
        <dt>Drain id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
      </dl>
      <ReplayForm drain={d} />
    </div>
  );
}

/** What rows a drain reads, in words: its team selection, other filters and the timestamps' zone. */
function DrainFilters({ drain: d }: { drain: DrainView }) {
  const selected = d.workspace_ids !== null && d.workspace_ids.length > 0;
  const teams = useTeams(selected);
  const names = selected ? d.workspace_ids!.map((id) => teams.data?.find((t) => t.id === id)?.name ?? id) : [];
  const parts = [
    selected ? `Teams: ${names.join(', ')}${d.include_personal_workspaces ? ', plus personal spaces' : ''}` : d.include_personal_workspaces ? 'Personal spaces only' : 'Every workspace',
    ...(d.entity_ids?.length ? [`Only ${d.entity_ids.join(', ')}`] : []),
    ...(d.category ? [`Category ${d.category}`] : []),
    `Times in ${d.timezone}`,
  ];
  return <>{parts.join(' · ')}</>;
}

/** Fields of the edit form the API may name in an error. */
const EDITABLE = ['name', 'interval_seconds', 'fields'];

/**
 * Edit a drain's name, interval and fields (PATCH); the server's refusals show next to the field they
 * name. New fields apply from the next delivery: what was delivered stays as it was.
 */
function EditDrain({ drain: d, dataset, onClose }: { drain: DrainView; dataset: Dataset | undefined; onClose: () => void }) {
  const client = useQueryClient();
  const [name, setName] = useState(d.name);
  const [interval, setIntervalText] = useState(String(d.interval_seconds));
  const [draft, setDraft] = useState<Draft>(() => ({ ...initialDraft(), dataset: d.dataset, scope: 'organization', fields: d.fields }));
  const [attempted, setAttempted] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const save = useMutation({
    mutationFn: (body: { name: string; interval_seconds: number; fields: string[] }) => api<DrainView>(`/v1/drains/${encodeURIComponent(d.id)}`, { method: 'PATCH', body }),
    onSuccess: (next) => {
      client.setQueryData(deliveryKeys.drain(d.id), next);
      void client.invalidateQueries({ queryKey: deliveryKeys.drains });
      announce(`Drain ${next.name} saved.`);
      onClose();
    },
  });
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    if (save.isError) save.reset();
  };
  const seconds = Number(interval);
  const issues: Record<string, string> = {};
  if (!name.trim()) issues.name = 'Give the drain a name.';
  if (interval.trim() === '' || !Number.isInteger(seconds)) issues.interval_seconds = 'Enter a whole number of seconds from 15 to 600.';
  if (draft.fields.length === 0) issues.fields = 'Select at least one field.';
  const server = fieldErrorsOf(save.error, EDITABLE);
  const errors = { ...(attempted ? issues : {}), ...server.fields };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (Object.keys(issues).length) {
      announce('The drain was not saved: correct the fields marked below.');
      return;
    }
    // The 15–600 s range is the API's to check: its message shows by the field.
    save.mutate({ name: name.trim(), interval_seconds: seconds, fields: draft.fields });
  };
  return (
    <form className="card dform" onSubmit={submit} noValidate aria-labelledby="edit-drain-title" data-testid="drain-edit-form">
      <section className="dform__section">
        <h2 id="edit-drain-title" ref={heading} tabIndex={-1} className="subhead">
          Edit the drain
        </h2>
        <p className="muted small">Changes apply from the next delivery; what was delivered stays as it was, and the cursor does not move.</p>
        <div className="dform__grid">
          <TextField id="edit-name" label="Name" value={name} onChange={edit(setName)} error={errors.name} testId="edit-name" />
          <TextField
            id="edit-interval"
            label="Check for new records every (seconds)"
            type="number"
            value={interval}
            onChange={edit(setIntervalText)}
            error={errors.interval_seconds}
            hint="15 to 600 seconds."
            testId="edit-interval"
          />
        </div>
        <fieldset className="fieldset" aria-describedby={errors.fields ? 'edit-fields-error' : undefined}>
          <legend className="label">Fields</legend>
          {errors.fields && (
            <p id="edit-fields-error" className="field-error" role="alert" data-testid="edit-fields-error">
              {errors.fields}
            </p>
          )}
          {dataset ? (
            <StepFields dataset={dataset} draft={draft} update={edit((patch: Partial<Draft>) => setDraft((cur) => ({ ...cur, ...patch })))} />
          ) : (
            <p className="muted">{d.fields.join(', ')}</p>
          )}
        </fieldset>
      </section>
      <div className="settings__foot dform__foot">
        <div className="settings__feedback dform__feedback">{server.general && <Notice tone="error">{server.general}</Notice>}</div>
        <button type="button" className="btn btn--ghost" onClick={onClose} data-testid="edit-cancel">
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={save.isPending} data-testid="edit-save">
          {save.isPending ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

/** Re-deliver a delivered sequence range without moving the cursor. */
function ReplayForm({ drain: d }: { drain: DrainView }) {
  const client = useQueryClient();
  const [from, setFrom] = useState('1');
  const [to, setTo] = useState('');
  const [attempted, setAttempted] = useState(false);
  const replay = useMutation({
    mutationFn: (body: { from_sequence: number; to_sequence: number }) => api<DrainView>(`/v1/drains/${encodeURIComponent(d.id)}/replay`, { body }),
    onSuccess: (next, body) => {
      client.setQueryData(deliveryKeys.drain(d.id), next);
      announce(`Replaying sequences ${body.from_sequence} to ${body.to_sequence}.`);
    },
  });
  const f = Number(from);
  const t = Number(to || d.cursor);
  const issues: Record<string, string> = {};
  if (!Number.isInteger(f) || f < 1) issues.from_sequence = 'Enter a whole number from 1.';
  if (!Number.isInteger(t) || t < 1) issues.to_sequence = 'Enter a whole number from 1.';
  else if (t > d.cursor) issues.to_sequence = `Only delivered sequences can be replayed: at most ${d.cursor}.`;
  else if (f > t) issues.from_sequence = 'The first sequence must not be after the last.';
  const server = fieldErrorsOf(replay.error, ['from_sequence', 'to_sequence']);
  const errors = { ...(attempted ? issues : {}), ...server.fields };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAttempted(true);
    if (!Object.keys(issues).length) replay.mutate({ from_sequence: f, to_sequence: t });
  };
  const change = (set: (v: string) => void) => (v: string) => {
    set(v);
    replay.reset();
  };
  return (
    <form className="replay" onSubmit={submit} noValidate aria-labelledby="replay-title" data-testid="replay-form">
      <h2 id="replay-title" className="subhead">
        Replay
      </h2>
      <p className="muted small">Deliver a range of sequences again, with the records as they are now. The cursor does not move, and new records keep coming.</p>
      <div className="replay__grid">
        <TextField id="replay-from" label="From sequence" type="number" min={1} value={from} onChange={change(setFrom)} error={errors.from_sequence} testId="replay-from" />
        <TextField id="replay-to" label="To sequence" type="number" min={1} value={to} onChange={change(setTo)} error={errors.to_sequence} placeholder={String(d.cursor)} hint="Empty: up to the cursor." testId="replay-to" />
        <button type="submit" className="btn btn--secondary" disabled={replay.isPending || d.cursor < 1} data-testid="replay-submit">
          Replay
        </button>
      </div>
      {server.general && <Notice tone="error">{server.general}</Notice>}
    </form>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const log = useDeliveries(id);
  return (
    <section className="card table-card" aria-labelledby="log-title">
      <h2 id="log-title" className="subhead table-card__title">
        Delivery log
      </h2>
      {log.isError && <Notice tone="error">{messageOf(log.error)}</Notice>}
      <table className="table" data-testid="deliveries-table">
        <caption className="sr-only">Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Sequences</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Answer</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          <ListStateRows query={log} columns={7} empty="Nothing delivered yet." />
          {log.data?.map((x) => (
            <tr key={x.id} data-testid="delivery-row" data-kind={x.kind} data-ok={String(x.ok)}>
              <td data-label="Sequences" className="nowrap">
                <span data-testid="delivery-range">{rangeLabel(x.sequence)}</span>
                {x.kind === 'replay' && <span className="tag dtag">Replay</span>}
              </td>
              <td data-label="Result">
                <span className={`badge badge--drain-${x.ok ? 'active' : 'error'}`}>{x.ok ? 'Delivered' : 'Failed'}</span>
                {x.error && <span className="status__reason small block">{x.error}</span>}
              </td>
              <td data-label="Records" className="num" data-testid="delivery-records">
                {formatNumber(x.records)}
              </td>
              <td data-label="Size" className="num nowrap">
                {formatBytes(x.bytes)}
              </td>
              <td data-label="Attempts" className="num">
                {x.attempts}
              </td>
              <td data-label="Answer" className="answer-cell">
                <span data-testid="delivery-status">{x.destination_status === null ? (x.objects ? 'S3' : '—') : `HTTP ${x.destination_status}`}</span>
                {x.destination_response && (
                  <code className="excerpt excerpt--inline" title={x.destination_response}>
                    {x.destination_response}
                  </code>
                )}
                {x.objects && x.objects.length > 0 && <span className="muted small block break">{x.objects.join(', ')}</span>}
              </td>
              <td data-label="Time" className="nowrap">
                {formatDateTime(x.created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
