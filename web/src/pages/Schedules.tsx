import { messageOf } from '../api/client';
import { useSchedules } from '../api/delivery';
import { useDatasets } from '../api/queries';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { ScheduleBadge } from '../delivery/Badges';
import { ListStateRows } from '../delivery/Frames';
import { describeDestination } from '../delivery/destination';
import { PERIOD_LABELS, windowLabel } from '../delivery/labels';
import { datasetTitle } from '../lib/exports';
import { href } from '../lib/router';
import '../delivery/delivery.css';

/** Every schedule of the org (admins): what it exports, how often, its next window; updates every 2 s. */
export function SchedulesPage() {
  const schedules = useSchedules();
  const datasets = useDatasets();
  return (
    <>
      <PageHeading
        description="Schedules run an export every hour, day, week or month over the period that just ended, and catch up periods missed while Sluice was down."
        actions={
          <a className="btn btn--primary" href={href('/schedules/new')} data-testid="new-schedule">
            New schedule
          </a>
        }
      >
        Schedules
      </PageHeading>
      {schedules.isError && <Notice tone="error">{messageOf(schedules.error)}</Notice>}
      <div className="card table-card">
        <table className="table" data-testid="schedules-table">
          <caption className="sr-only">Schedules, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Runs</th>
              <th scope="col">Status</th>
              <th scope="col">Next period</th>
              <th scope="col">Destination</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            <ListStateRows
              query={schedules}
              columns={6}
              empty={
                <>
                  No schedules yet. <a href={href('/schedules/new')}>Create one</a>.
                </>
              }
            />
            {schedules.data?.map((s) => (
              <tr key={s.id} data-testid="schedule-row" data-schedule-id={s.id} data-status={s.status}>
                <td data-label="Schedule" className="cell-title">
                  <a className="strong-link" href={href(`/schedules/${encodeURIComponent(s.id)}`)}>
                    {s.name}
                  </a>
                  <span className="muted small block">
                    {datasetTitle(String(s.export.dataset), datasets.data)} · {String(s.export.format ?? 'csv').toUpperCase()}
                  </span>
                </td>
                <td data-label="Runs">
                  {s.every ? PERIOD_LABELS[s.every] : `Cron ${s.cron}`} <span className="muted small block">{s.timezone}</span>
                </td>
                <td data-label="Status">
                  <ScheduleBadge schedule={s} />
                </td>
                <td data-label="Next period">{windowLabel(s.next_window, s.timezone)}</td>
                <td data-label="Destination" className="break">
                  {s.destination ? describeDestination(s.destination) : 'Download from Sluice'}
                </td>
                <td data-label="Last error" className="break">
                  {s.last_error ?? 'None'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
