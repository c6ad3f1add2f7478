import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, messageOf } from '../api/client';
import { deliveryKeys, useSchedule, useScheduleRuns, type Schedule } from '../api/delivery';
import { keys, useDatasets } from '../api/queries';
import { ConfirmButton } from '../components/ConfirmButton';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { ExportRow } from '../components/ExportRow';
import { ScheduleBadge } from '../delivery/Badges';
import { describeDestination } from '../delivery/destination';
import { DetailFrame, ListStateRows } from '../delivery/Frames';
import { clockLabel, nextRunLabel, windowLabel } from '../delivery/labels';
import { datasetTitle } from '../lib/exports';
import { formatDateTime } from '../lib/format';
import { href, navigate } from '../lib/router';
import '../delivery/delivery.css';

/** One schedule: what it exports, its next period, actions (run now / pause / resume / delete) and its runs. */
export function ScheduleDetailPage({ id }: { id: string }) {
  const query = useSchedule(id);
  const datasets = useDatasets();
  return (
    <DetailFrame
      query={query}
      back={{ path: '/schedules', label: 'Schedules' }}
      title={(s) => (s ? `Schedule “${s.name}”` : 'Schedule')}
      description={(s) => `${datasetTitle(String(s.export.dataset), datasets.data)}, ${s.every ? clockLabel(s).toLowerCase() : clockLabel(s)} (${s.timezone})`}
      missing="This schedule does not exist, or it was deleted."
    >
      {(s) => (
        <>
          <ScheduleSummary schedule={s} />
          <Runs id={s.id} />
        </>
      )}
    </DetailFrame>
  );
}

function ScheduleSummary({ schedule: s }: { schedule: Schedule }) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: deliveryKeys.schedules });
  const act = useMutation({
    mutationFn: (a: { path: string; method: string; body?: unknown; done: string }) => api<Schedule>(`/v1/schedules/${encodeURIComponent(s.id)}${a.path}`, { method: a.method, body: a.body }),
    onSuccess: (next, a) => {
      client.setQueryData(deliveryKeys.schedule(s.id), next);
      announce(a.done);
      // Runs are exports: History shows them too.
      void client.invalidateQueries({ queryKey: keys.exports });
    },
    onSettled: refresh,
  });
  const active = s.status === 'active';
  const fields = Array.isArray(s.export.fields) ? (s.export.fields as string[]) : null;

  return (
    <div className="card detail" data-testid="schedule-detail" data-status={s.status}>
      <div className="detail__head">
        <ScheduleBadge schedule={s} />
        <div className="row-actions row-actions--wide">
          <button
            type="button"
            className="btn btn--primary btn--sm"
            disabled={act.isPending || !active}
            title={active ? undefined : 'Resume the schedule to run it'}
            onClick={() => act.mutate({ path: '/run', method: 'POST', done: 'Running every period that has ended.' })}
            data-testid="schedule-run"
          >
            Run now
          </button>
          {active ? (
            <button type="button" className="btn btn--secondary btn--sm" disabled={act.isPending} onClick={() => act.mutate({ path: '', method: 'PATCH', body: { status: 'paused' }, done: 'Schedule paused.' })} data-testid="schedule-pause">
              Pause
            </button>
          ) : (
            <button type="button" className="btn btn--secondary btn--sm" disabled={act.isPending} onClick={() => act.mutate({ path: '', method: 'PATCH', body: { status: 'active' }, done: 'Schedule resumed: missed periods are caught up.' })} data-testid="schedule-resume">
              Resume
            </button>
          )}
          <ConfirmButton
            testId="schedule-delete"
            className="btn btn--ghost btn--sm btn--danger-text"
            title={`Delete the schedule “${s.name}”?`}
            body={<p>No more runs are started. Exports it already made stay in History until they expire. This cannot be undone.</p>}
            confirmLabel="Delete schedule"
            onConfirm={async () => {
              await api<void>(`/v1/schedules/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
              announce(`Schedule ${s.name} deleted.`);
              await refresh();
              navigate('/schedules');
            }}
          >
            Delete
          </ConfirmButton>
        </div>
      </div>
      {act.isError && <Notice tone="error">{messageOf(act.error)}</Notice>}
      {s.last_error && <Notice tone="error">The last run failed: {s.last_error}</Notice>}
      <dl className="summary summary--wide">
        <dt>Next period</dt>
        <dd data-testid="schedule-next">
          {windowLabel(s.next_window, s.timezone)} <span className="muted">(runs once it has ended)</span>
        </dd>
        <dt>Runs</dt>
        <dd data-testid="schedule-clock">
          {clockLabel(s)}, in {s.timezone}
        </dd>
        <dt>Next run</dt>
        <dd data-testid="schedule-next-run">{active ? nextRunLabel(s) : 'None while paused'}</dd>
        <dt>File</dt>
        <dd>
          {String(s.export.format ?? 'csv').toUpperCase()}
          {s.export.compression === 'gzip' ? ', gzip' : ''}
        </dd>
        <dt>Fields</dt>
        <dd className="summary__fields">{fields ? fields.join(', ') : 'The default fields'}</dd>
        <dt>Destination</dt>
        <dd className="break">{s.destination ? describeDestination(s.destination) : 'None: download the files from Sluice'}</dd>
        <dt>Email</dt>
        <dd>{s.notify_email ?? 'None'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(s.created_at)}</dd>
        <dt>Schedule id</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
      </dl>
    </div>
  );
}

function Runs({ id }: { id: string }) {
  const runs = useScheduleRuns(id);
  // The API lists the oldest window first; the newest is what people look for.
  const rows = runs.data ? [...runs.data].reverse() : undefined;
  return (
    <section className="card table-card" aria-labelledby="runs-title">
      <h2 id="runs-title" className="subhead table-card__title">
        Runs
      </h2>
      {runs.isError && <Notice tone="error">{messageOf(runs.error)}</Notice>}
      <table className="table" data-testid="runs-table">
        <caption className="sr-only">Runs, newest period first</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Created</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <ListStateRows query={runs} columns={6} empty="No runs yet: the first starts when the current period ends (or use Run now for periods that have ended)." />
          {rows?.map((e) => {
            const period = windowLabel(e.params, e.params.timezone);
            return (
              <ExportRow key={e.id} exp={e} label={`the run of ${period}`}>
                <td data-label="Period" className="cell-title">
                  <a className="strong-link" href={href(`/exports/${encodeURIComponent(e.id)}`)} data-testid="run-link">
                    {period}
                  </a>
                </td>
                <td data-label="Created" className="nowrap">
                  {formatDateTime(e.created_at)}
                </td>
              </ExportRow>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
